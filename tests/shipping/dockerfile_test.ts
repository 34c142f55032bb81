/**
 * Static checks of the Docker files (no Docker engine here, only the client: nothing is
 * built or run). The Dockerfile must parse, copy only paths that exist and are in the build
 * context, copy everything the compiled program imports, and run as non-root with a
 * `deid healthcheck`; docker-compose.yml and .env.example must agree with the server's
 * configuration.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseDotenv } from "../../core/config/dotenv.ts";
import { readServerConfig, SERVER_ENV_KEYS } from "../../core/config/server_config.ts";
import { ROOT } from "../cli/cli_helpers.ts";
import { ComposeReader } from "./_compose.ts";
import {
  cleanPath,
  DockerIgnore,
  expandSource,
  type Instruction,
  parseDockerfile,
  words,
} from "./_dockerfile.ts";

const read = (name: string) => Deno.readTextFileSync(join(ROOT, name));
const dockerfile = parseDockerfile(read("Dockerfile"));
const ignore = new DockerIgnore(read(".dockerignore"));
const compose = new ComposeReader(read("docker-compose.yml"));
const DEFAULT_PORT = readServerConfig({}).port;

/** Instructions grouped by build stage, with each stage's name. */
function stages(): { name?: string; image: string; body: Instruction[] }[] {
  const out: { name?: string; image: string; body: Instruction[] }[] = [];
  for (const ins of dockerfile) {
    if (ins.keyword === "FROM") {
      const [image, as, name] = words(ins.args);
      out.push({ image, name: as?.toUpperCase() === "AS" ? name : undefined, body: [] });
    } else {
      assert.ok(out.length > 0 || ins.keyword === "ARG", `line ${ins.line}: before FROM`);
      out.at(-1)?.body.push(ins);
    }
  }
  return out;
}

/** COPY/ADD sources and destination (exec or shell form). */
function copyParts(ins: Instruction): { sources: string[]; dest: string } {
  const parts = ins.exec ?? words(ins.args);
  return { sources: parts.slice(0, -1), dest: parts.at(-1)! };
}

/** Every file below a context path that the build context keeps. */
function keptFiles(rel: string): string[] {
  const info = Deno.statSync(join(ROOT, rel));
  if (!info.isDirectory) return ignore.excludes(rel) ? [] : [rel];
  if (ignore.excludes(rel) && rel !== "") return [];
  return [...Deno.readDirSync(join(ROOT, rel))]
    .flatMap((e) => keptFiles(rel ? `${rel}/${e.name}` : e.name));
}

Deno.test("parseDockerfile() joins continuations, drops comment lines, reads flags and exec form", () => {
  const parsed = parseDockerfile([
    "# syntax=docker/dockerfile:1",
    "# escape=\\",
    "FROM debian:bookworm-slim AS base",
    "RUN apt-get update \\",
    "# a comment inside the continuation",
    "  && apt-get install -y x",
    'COPY --from=base --chown=1:1 ["/a b", "/c"]',
    'HEALTHCHECK --interval=5s CMD ["deid", "healthcheck"]',
    "RUN <<EOF",
    "echo hi",
    "EOF",
  ].join("\n"));
  assert.deepEqual(parsed.map((i) => i.keyword), ["FROM", "RUN", "COPY", "HEALTHCHECK", "RUN"]);
  assert.equal(parsed[1].args.replace(/\s+/g, " "), "apt-get update && apt-get install -y x");
  assert.deepEqual(parsed[2].flags, { from: "base", chown: "1:1" });
  assert.deepEqual(parsed[2].exec, ["/a b", "/c"]);
  assert.deepEqual(parsed[3].flags, { interval: "5s" });
  assert.deepEqual(parsed[3].exec, ["CMD", "deid", "healthcheck"]);
  assert.deepEqual(parsed[4].heredocs, ["echo hi"]);
  assert.throws(() => parseDockerfile("FROM x\nCOPPY a b\n"), /line 2: unknown instruction/);
});

Deno.test("DockerIgnore() excludes folders with their files and honours ! re-includes", () => {
  const rules = new DockerIgnore("# c\ntests\n!tests/keep.txt\n**/*.dcm\n/data\n");
  assert.ok(rules.excludes("tests"));
  assert.ok(rules.excludes("tests/a/b.ts"));
  assert.ok(!rules.excludes("tests/keep.txt"));
  assert.ok(rules.excludes("x/y/z.dcm") && rules.excludes("z.dcm"));
  assert.ok(rules.excludes("data/kv.sqlite3"));
  assert.ok(!rules.excludes("core/data.ts"));
});

Deno.test("Dockerfile stages are named once and --from names an earlier stage", () => {
  const all = stages();
  assert.ok(all.length >= 2, "multi-stage build");
  const seen: string[] = [];
  for (const stage of all) {
    assert.match(
      stage.image,
      /^[\w.\/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/,
      `pinned: ${stage.image}`,
    );
    for (const ins of stage.body) {
      const from = ins.flags.from;
      if (from === undefined) continue;
      assert.ok(
        seen.includes(from.toLowerCase()),
        `line ${ins.line}: --from=${from} is not earlier`,
      );
    }
    if (stage.name) {
      assert.ok(!seen.includes(stage.name.toLowerCase()), `stage ${stage.name} named twice`);
      seen.push(stage.name.toLowerCase());
    }
  }
  // The Deno binary is glibc-only: the runtime stage must not be Alpine (musl).
  assert.doesNotMatch(all.at(-1)!.image, /alpine/);
});

Deno.test("Dockerfile COPY/ADD sources exist and are not excluded by .dockerignore", () => {
  const copies = dockerfile.filter((i) => ["COPY", "ADD"].includes(i.keyword) && !i.flags.from);
  assert.ok(copies.length > 0);
  for (const ins of copies) {
    for (const source of copyParts(ins).sources) {
      assert.ok(!/^[a-z]+:\/\//.test(source), `line ${ins.line}: remote ADD ${source}`);
      const matched = expandSource(ROOT, source);
      assert.ok(matched.length > 0, `line ${ins.line}: ${source} matches nothing`);
      for (const rel of matched) {
        assert.ok(!ignore.excludes(rel), `line ${ins.line}: ${rel} is in .dockerignore`);
        assert.ok(keptFiles(rel).length > 0, `line ${ins.line}: ${rel} has no file left`);
      }
    }
  }
});

Deno.test("Dockerfile copies every local module the compiled program and the island build import", async () => {
  const build = stages()[0];
  const copied = build.body.filter((i) => i.keyword === "COPY" && !i.flags.from)
    .flatMap((i) => copyParts(i).sources.flatMap((s) => expandSource(ROOT, s)));
  const covered = (rel: string) =>
    copied.some((c) => c === "" || rel === c || rel.startsWith(`${c}/`)) && !ignore.excludes(rel);
  // The entry points: the program, the worker compile --include's, the island builder.
  const compile = JSON.parse(read("deno.json")).tasks.compile.command as string;
  const includes = [...compile.matchAll(/--include[= ](\S+)/g)].map((m) => cleanPath(m[1]));
  const entries = [
    "main.ts",
    ...includes.filter((p) => p.endsWith(".ts")),
    "tools/build_islands.ts",
  ];
  for (const dir of includes.filter((p) => !p.endsWith(".ts"))) {
    assert.ok(covered(dir), `compile --include ${dir} is not copied`);
  }
  const locals = new Set<string>(entries);
  for (const entry of entries) {
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(info.code, 0, `deno info ${entry}: ${new TextDecoder().decode(info.stderr)}`);
    const graph = JSON.parse(new TextDecoder().decode(info.stdout));
    for (const m of graph.modules as { specifier: string }[]) {
      if (!m.specifier.startsWith("file://")) continue;
      const rel = decodeURIComponent(new URL(m.specifier).pathname).slice(ROOT.length + 1);
      locals.add(rel);
    }
  }
  // Island sources are bundled from their folder, not imported by main.ts.
  for (const e of Deno.readDirSync(join(ROOT, "islands"))) {
    if (e.isFile && /^[A-Z]\w*\.tsx$/.test(e.name)) locals.add(`islands/${e.name}`);
  }
  assert.ok(locals.size > 50, `only ${locals.size} local modules: deno info failed?`);
  const missing = [...locals].filter((rel) => !covered(rel));
  assert.deepEqual(missing, [], "imported but not copied into the build stage");
  // The binary the runtime stage takes is the one the compile task writes.
  const output = /-o\s+(\S+)/.exec(compile)?.[1];
  const workdir = build.body.findLast((i) => i.keyword === "WORKDIR")?.args;
  const take = stages().at(-1)!.body.find((i) => i.keyword === "COPY" && i.flags.from);
  assert.ok(output && workdir && take, "compile -o, WORKDIR and COPY --from");
  assert.equal(copyParts(take).sources[0], `${workdir}/${cleanPath(output)}`);
  const runs = build.body.filter((i) => i.keyword === "RUN").map((i) => i.args).join(" && ");
  assert.match(runs, /deno task compile/);
  for (const [, task] of runs.matchAll(/deno task ([\w:-]+)/g)) {
    assert.ok(JSON.parse(read("deno.json")).tasks[task], `deno task ${task} does not exist`);
  }
});

Deno.test("Dockerfile runtime stage: non-root USER, deid healthcheck, EXPOSE default port, VOLUME /data", () => {
  const body = stages().at(-1)!.body;
  const last = (k: string) => body.findLast((i) => i.keyword === k);
  const user = last("USER")?.args.split(":")[0];
  assert.ok(user && !["root", "0"].includes(user), `USER ${user}`);

  const health = last("HEALTHCHECK");
  assert.ok(health, "HEALTHCHECK");
  const cmd = health.exec ?? words(health.args);
  assert.deepEqual(cmd.slice(0, 1), ["CMD"]);
  assert.match(cmd.slice(1).join(" "), /^(\/usr\/local\/bin\/)?deid healthcheck\b/);

  const env = new Map<string, string>();
  for (const ins of body.filter((i) => i.keyword === "ENV")) {
    for (const w of words(ins.args)) {
      const [k, ...v] = w.split("=");
      env.set(k, v.join("="));
    }
  }
  const port = Number(env.get("PORT") ?? DEFAULT_PORT);
  assert.equal(port, DEFAULT_PORT);
  const exposed = body.filter((i) => i.keyword === "EXPOSE").flatMap((i) => words(i.args));
  assert.deepEqual(exposed.map((p) => Number(p.split("/")[0])), [port]);

  const volume = last("VOLUME");
  assert.ok(volume, "VOLUME");
  assert.deepEqual(volume.exec ?? words(volume.args), ["/data"]);
  assert.equal(env.get("DATA_DIR"), "/data", "the server keeps KV and deid.key on the volume");
  assert.equal(env.get("HOST"), "0.0.0.0", "reachable from outside the container");
  assert.match(last("ENTRYPOINT")?.args ?? "", /deid/);
});

Deno.test("docker-compose.yml service: .env, /data volume, healthcheck, restart policy", () => {
  assert.ok(compose.keys(["services"]).includes("deid"));
  const svc = (...k: string[]) => ["services", "deid", ...k];
  assert.ok(compose.list(svc("env_file")).includes(".env"));
  assert.match(compose.scalar(svc("restart")) ?? "", /^(always|unless-stopped|on-failure)/);
  const volumes = compose.list(svc("volumes"));
  const data = volumes.find((v) => v.split(":")[1] === "/data");
  assert.ok(data, `a volume at /data: ${volumes}`);
  assert.ok(compose.keys(["volumes"]).includes(data.split(":")[0]), "named volume declared");
  assert.equal(compose.scalar(svc("environment", "DATA_DIR")), "/data");
  assert.equal(Number(compose.scalar(svc("environment", "PORT"))), DEFAULT_PORT);
  assert.match(compose.list(svc("healthcheck", "test")).join(" "), /^CMD deid healthcheck$/);
});

Deno.test("docker-compose.yml Traefik labels: Host(DOMAIN), TLS resolver, defined middlewares, no buffering", () => {
  const labels = compose.list(["services", "deid", "labels"]);
  const label = (re: RegExp) => labels.find((l) => re.test(l));
  assert.ok(label(/^traefik\.enable=true$/));
  const rule = label(/^traefik\.http\.routers\.[\w-]+\.rule=/);
  assert.match(rule ?? "", /=Host\(`\$\{DOMAIN(:[?-][^}]*)?\}`\)$/);
  const router = /routers\.([\w-]+)\./.exec(rule!)![1];
  assert.ok(label(new RegExp(`^traefik\\.http\\.routers\\.${router}\\.tls=true$`)));
  assert.match(
    label(new RegExp(`^traefik\\.http\\.routers\\.${router}\\.tls\\.certresolver=`)) ?? "",
    /=\$\{TRAEFIK_CERT_RESOLVER(:[?-][^}]*)?\}$/,
  );
  const used = label(new RegExp(`^traefik\\.http\\.routers\\.${router}\\.middlewares=`));
  assert.ok(used, "the router uses a middleware (security headers)");
  for (const name of used.split("=")[1].split(",").map((s) => s.trim().replace(/@\w+$/, ""))) {
    assert.ok(label(new RegExp(`^traefik\\.http\\.middlewares\\.${name}\\.headers\\.`)), name);
  }
  assert.ok(label(/\.loadbalancer\.server\.port=8000$/));
  // A buffering middleware would spool whole uploads (PHI) on the proxy and stop streaming.
  const buffering = read("docker-compose.yml").split("\n")
    .filter((l) => !/^\s*#/.test(l) && /buffering/i.test(l));
  assert.deepEqual(buffering, []);
  // The proxy profile raises the entrypoint read timeout for long uploads.
  const traefik = compose.list(["services", "traefik", "command"]).join(" ");
  assert.match(traefik, /respondingTimeouts\.readTimeout=(\d+h|0)/);
  assert.deepEqual(compose.list(["services", "traefik", "profiles"]), ["proxy"]);
  assert.deepEqual(compose.list(["services", "denokv", "profiles"]), ["scale"]);
});

Deno.test(".env.example lists every server key and every variable docker-compose.yml uses", () => {
  const example = parseDotenv(read(".env.example"), ".env.example");
  const keys = Object.keys(example);
  for (const k of [...SERVER_ENV_KEYS, "DOMAIN", "TRAEFIK_CERT_RESOLVER", "DENO_KV_ACCESS_TOKEN"]) {
    assert.ok(keys.includes(k), `${k} missing from .env.example`);
  }
  assert.ok(keys.includes("KV_URL"));
  const fromCompose = [...read("docker-compose.yml").matchAll(/\$\{(\w+)/g)].map((m) => m[1]);
  for (const k of new Set(fromCompose)) assert.ok(keys.includes(k), `${k} (compose) missing`);
  // No key the server does not read (a typo would silently do nothing).
  assert.deepEqual(keys.filter((k) => !(SERVER_ENV_KEYS as readonly string[]).includes(k)), []);
  // The example must not carry secrets.
  for (const k of ["ADMIN_PASSWORD", "API_TOKENS", "DEID_KEY", "DENO_KV_ACCESS_TOKEN"]) {
    assert.equal(example[k], "", `${k} has a value in .env.example`);
  }
});
