/**
 * The shipping check that stands in for `deno compile` here (its base binary cannot be
 * downloaded, TOOLCHAIN.md §3): `deno bundle --platform deno main.ts` into a temp folder that
 * holds nothing else, then the bundle runs the CLI and the server from there, with a clean
 * environment and an empty DENO_DIR, so nothing from the checkout or a cache is used.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CORPUS, ROOT } from "../cli/cli_helpers.ts";

const KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const TOKEN = "bundle-test-token-0123456789";
/** CT_small's PatientName: must not survive de-identification. */
const PATIENT_NAME = "CompressedSamples^CT1";
const SAMPLES = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm", "fodicom__GH179A.dcm"];
/**
 * `deno.json`'s `"unstable": ["kv"]` does not travel with a bundle, so outside the checkout
 * the server needs the flag (a compiled binary keeps it). `--no-config` makes sure no
 * deno.json is picked up; `--no-remote --no-npm` that nothing is fetched.
 */
const BASE_FLAGS = ["--no-config", "--no-remote", "--no-npm", "--unstable-kv"];
const decoder = new TextDecoder();

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run FLAGS server.js ARGS` in `dir` with only the given environment. */
async function runBundle(dir: string, flags: string[], args: string[]): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...BASE_FLAGS, ...flags, "server.js", ...args],
    cwd: dir,
    clearEnv: true,
    env: cleanEnv(dir),
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function cleanEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: "/usr/bin:/bin",
    HOME: dir,
    DENO_DIR: join(dir, ".deno"),
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DEID_KEY: KEY_HEX,
    DATA_DIR: join(dir, "data"),
    ...extra,
  };
}

/** `dcmdump -q` of a file: exit status and text. */
async function dcmdump(path: string): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command("dcmdump", { args: ["-q", path], stdout: "piped" }).output();
  return { code: out.code, text: decoder.decode(out.stdout) };
}

async function assertAnonymized(path: string): Promise<void> {
  const { code, text } = await dcmdump(path);
  assert.equal(code, 0, `dcmdump ${path}`);
  assert.match(text, /\(0012,0062\) CS \[YES\]/, `${path}: PatientIdentityRemoved`);
  const latin1 = new TextDecoder("latin1").decode(await Deno.readFile(path));
  assert.ok(!latin1.includes(PATIENT_NAME), `${path}: patient name survived`);
}

/** A port that was free a moment ago: bind port 0, note it, close. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function readUntil(reader: ReadableStreamDefaultReader<string>, re: RegExp): Promise<string> {
  let text = "";
  const deadline = Date.now() + 15_000;
  while (!re.test(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before ${re}; stdout: ${text}`);
    text += value;
  }
  return text;
}

async function listTree(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, rel))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listTree(dir, child));
    else out.push(child);
  }
  return out.sort();
}

Deno.test("deno bundle main.ts runs the CLI and the server from a folder holding only the bundle", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "deid-bundle-" });
  const dir = join(tmp, "dist");
  try {
    await t.step("deno bundle --platform deno succeeds", async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--quiet", "--platform", "deno", "-o", join(dir, "server.js"), "main.ts"],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, decoder.decode(out.stderr));
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["server.js"]);
      // Inputs are copied in, so every path the bundle touches is inside `dir`.
      for (const name of SAMPLES) {
        await Deno.mkdir(join(dir, "in", "s1"), { recursive: true });
        await Deno.copyFile(join(CORPUS, name), join(dir, "in", "s1", name));
      }
    });

    await t.step("--version prints the version", async () => {
      const r = await runBundle(dir, ["-A"], ["--version"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^deid \d+\.\d+\.\d+ \(Deno \d+\.\d+\.\d+\)$/m);
    });

    await t.step("anonymize FILE OUT writes a file dcmdump reads", async () => {
      const r = await runBundle(dir, ["-A"], ["anonymize", `in/s1/${SAMPLES[0]}`, "one.dcm"]);
      assert.equal(r.code, 0, r.stderr);
      await assertAnonymized(join(dir, "one.dcm"));
    });

    await t.step("anonymize FOLDER OUT works without the worker module", async () => {
      // The bundle has no cli/worker.ts beside it: the pool falls back to the main thread.
      const r = await runBundle(dir, ["-A"], ["anonymize", "in", "out", "--jobs", "2"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listTree(join(dir, "out")), SAMPLES.map((n) => `s1/${n}`).sort());
      for (const n of SAMPLES) await assertAnonymized(join(dir, "out", "s1", n));
    });

    await t.step("anonymize reads and writes nothing outside its folder", async () => {
      const only = [`--allow-read=${dir}`, `--allow-write=${dir}`, "--allow-env"];
      const r = await runBundle(dir, only, ["anonymize", "in", "out2", "--quiet"]);
      assert.equal(r.code, 0, r.stderr);
      for (const n of SAMPLES) {
        const a = await Deno.readFile(join(dir, "out", "s1", n));
        assert.deepEqual(await Deno.readFile(join(dir, "out2", "s1", n)), a, n);
      }
    });

    await t.step(
      "serve answers /api/anonymize and healthcheck, then stops on SIGTERM",
      async () => {
        const port = freePort();
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", ...BASE_FLAGS, "-A", "server.js", "serve", "--port", String(port)],
          cwd: dir,
          clearEnv: true,
          env: cleanEnv(dir, { API_TOKENS: TOKEN, LOG_LEVEL: "warn" }),
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const stderr = new Response(child.stderr).text();
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        try {
          const banner = await readUntil(reader, /Listening on http:\/\/127\.0\.0\.1:(\d+)\//);
          assert.match(banner, new RegExp(`:${port}/`));
          const url = `http://127.0.0.1:${port}`;

          const res = await fetch(`${url}/api/anonymize`, {
            method: "POST",
            headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/dicom" },
            body: await Deno.readFile(join(dir, "in", "s1", SAMPLES[0])),
          });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("content-type"), "application/dicom");
          await Deno.writeFile(join(dir, "served.dcm"), new Uint8Array(await res.arrayBuffer()));
          await assertAnonymized(join(dir, "served.dcm"));
          // Same key, same input: the server and the CLI give the same bytes.
          assert.deepEqual(
            await Deno.readFile(join(dir, "served.dcm")),
            await Deno.readFile(join(dir, "one.dcm")),
          );

          const page = await fetch(`${url}/`);
          await page.body?.cancel();
          assert.ok(page.status < 400, `GET / answered ${page.status}`);

          const hc = await runBundle(dir, ["-A"], ["healthcheck", "--port", String(port)]);
          assert.equal(hc.code, 0, hc.stderr);

          // The one run-time dependency a bundle does not carry: routes/static.ts reads the
          // UI's files from `<bundle folder>/../static/` (a compiled binary embeds them with
          // `--include static`). Shown, not hidden: a file placed there is served.
          const probe = join(tmp, "static", "probe.css");
          const before = await fetch(`${url}/static/probe.css`);
          await before.body?.cancel();
          assert.equal(before.status, 404);
          await Deno.mkdir(join(tmp, "static"));
          await Deno.writeTextFile(probe, "body{}\n");
          const after = await fetch(`${url}/static/probe.css`);
          assert.equal(after.status, 200);
          assert.equal(await after.text(), "body{}\n");
        } finally {
          child.kill("SIGTERM");
          await reader.cancel();
        }
        const status = await child.status;
        const err = await stderr;
        assert.equal(status.code, 0, err);
        assert.ok(!err.includes("error"), err);
      },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
