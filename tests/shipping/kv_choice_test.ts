/**
 * The choice between a local KV file and a remote Deno KV (`routes/kv_open.ts`). The opener
 * is not injectable, so the remote side is observed from outside: a child process opens KV as
 * `serve` does, and a fake KV Connect endpoint records what reaches it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readServerConfig } from "../../core/config/server_config.ts";
import { openConfiguredKv } from "../../routes/kv_open.ts";
import { ROOT } from "../cli/cli_helpers.ts";

const PROBE = join(ROOT, "tests/shipping/_kv_probe.ts");
const TOKEN = "kv-token-abcdefghijklmnop";
const decoder = new TextDecoder();

/** Runs the probe in `dir` (its cwd, for `.env`) with only `env` besides PATH and HOME. */
async function probe(dir: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(ROOT, "deno.json"), PROBE],
    cwd: dir,
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", HOME: dir, NO_COLOR: "1", DATA_DIR: join(dir, "data"), ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "deid-kv-choice-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const missing = (path: string) => Deno.stat(path).then(() => false, () => true);

Deno.test("openConfiguredKv() opens KV_PATH, creating its folder, when KV_URL is unset", async () => {
  await withTempDir(async (dir) => {
    const kvPath = join(dir, "nested", "deeper", "kv.sqlite3");
    const config = readServerConfig({ DATA_DIR: dir, KV_PATH: kvPath });
    assert.equal(config.kvUrl, undefined);
    const kv = await openConfiguredKv(config);
    try {
      await kv.set(["probe"], 1);
      assert.equal((await kv.get(["probe"])).value, 1);
    } finally {
      kv.close();
    }
    assert.ok((await Deno.stat(kvPath)).isFile);
    assert.equal((await Deno.stat(join(dir, "nested", "deeper"))).mode! & 0o777, 0o700);
  });
});

Deno.test("openConfiguredKv() defaults to DATA_DIR/kv.sqlite3", async () => {
  await withTempDir(async (dir) => {
    const r = await probe(dir, {});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "READ");
    assert.ok((await Deno.stat(join(dir, "data", "kv.sqlite3"))).isFile);
  });
});

Deno.test("openConfiguredKv() goes to KV_URL with the .env token, not to a local file", async () => {
  await withTempDir(async (dir) => {
    const seen: { method: string; path: string; auth: string | null; body: string }[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const { pathname } = new URL(req.url);
      seen.push({
        method: req.method,
        path: pathname,
        auth: req.headers.get("authorization"),
        body: await req.text(),
      });
      return new Response("unauthorized", { status: 401 });
    });
    try {
      const url = `http://127.0.0.1:${server.addr.port}/kv-connect`;
      // The token only in .env: Deno's KV client reads the process env, so kv_open.ts must
      // copy it there for the remote to see it.
      await Deno.writeTextFile(join(dir, ".env"), `DENO_KV_ACCESS_TOKEN=${TOKEN}\n`);
      const r = await probe(dir, { KV_URL: url, KV_PATH: join(dir, "local.sqlite3") });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^FAILED .*unauthorized/m);
      assert.ok(seen.length >= 1, "the remote was never asked");
      // KV Connect starts with a metadata exchange: POST to the URL itself, bearer token.
      assert.equal(seen[0].method, "POST");
      assert.equal(seen[0].path, "/kv-connect");
      assert.equal(seen[0].auth, `Bearer ${TOKEN}`);
      assert.match(seen[0].body, /supportedVersions/);
      assert.ok(await missing(join(dir, "local.sqlite3")), "KV_PATH was opened as well");
      assert.ok(await missing(join(dir, "data", "kv.sqlite3")), "the default file was opened");
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("openConfiguredKv() tries a KV_URL that refuses connections, and no local file", async () => {
  await withTempDir(async (dir) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close(); // nothing listens there now: connections are refused
    const url = `http://127.0.0.1:${port}/`;
    const r = await probe(dir, { KV_URL: url, DENO_KV_ACCESS_TOKEN: TOKEN });
    // Deno retries a refused KV Connect forever, logging each attempt with the URL.
    assert.equal(r.code, 3, `expected the read to hang; stdout: ${r.stdout} stderr: ${r.stderr}`);
    assert.ok(r.stderr.includes(`KV Connect to '${url}'`), r.stderr);
    assert.match(r.stderr, /refused/i);
    assert.ok(!r.stderr.includes(TOKEN), "the token was logged");
    assert.ok(await missing(join(dir, "data", "kv.sqlite3")), "fell back to a local file");
  });
});
