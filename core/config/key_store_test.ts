import assert from "node:assert/strict";
import { join } from "node:path";
import { toHex } from "./key_material.ts";
import { describeDeidKey, KEY_FILE_NAME, resolveDeidKey } from "./key_store.ts";

const HEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const DIGEST = Uint8Array.from(HEX_KEY.match(/../g)!, (h) => parseInt(h, 16));

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("resolveDeidKey() prefers --key-file over DEID_KEY and the data dir", async () => {
  await withTempDir(async (dir) => {
    const keyFile = join(dir, "my.key");
    await Deno.writeTextFile(keyFile, HEX_KEY + "\n");
    await Deno.chmod(keyFile, 0o600);
    const env = { DEID_KEY: "an-env-key-of-enough-bytes" };
    const k = await resolveDeidKey({ keyFile, env, processEnv: env, dataDir: dir });
    assert.deepEqual(k, {
      key: DIGEST,
      source: "key-file",
      path: keyFile,
      readableByOthers: false,
    });
  });
});

Deno.test("resolveDeidKey() fails on a missing --key-file instead of falling back", async () => {
  await withTempDir(async (dir) => {
    const keyFile = join(dir, "absent.key");
    await assert.rejects(resolveDeidKey({ keyFile, env: {}, dataDir: dir }), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(join(dir, KEY_FILE_NAME)), Deno.errors.NotFound);
  });
});

Deno.test("resolveDeidKey() flags a key file readable by group or others", async () => {
  await withTempDir(async (dir) => {
    const keyFile = join(dir, "my.key");
    await Deno.writeTextFile(keyFile, HEX_KEY);
    await Deno.chmod(keyFile, 0o640);
    const k = await resolveDeidKey({ keyFile, env: {}, dataDir: dir });
    assert.equal(k.readableByOthers, true);
    assert.match(describeDeidKey(k), /warning: .*my\.key is readable by others, chmod 600/);
  });
});

Deno.test("resolveDeidKey() tells DEID_KEY from the process env and from .env apart", async () => {
  await withTempDir(async (dir) => {
    const env = { DEID_KEY: HEX_KEY };
    const fromProcess = await resolveDeidKey({ env, processEnv: env, dataDir: dir });
    assert.deepEqual(fromProcess, { key: DIGEST, source: "env", readableByOthers: false });
    const fromDotenv = await resolveDeidKey({ env, processEnv: {}, dataDir: dir });
    assert.equal(fromDotenv.source, "dotenv");
    assert.equal(describeDeidKey(fromDotenv), "De-identification key from DEID_KEY in .env");
    // Neither touched the data dir.
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("resolveDeidKey() creates a 0600 hex key in the data dir once, then reuses it", async () => {
  await withTempDir(async (root) => {
    const dataDir = join(root, "nested", "data");
    const first = await resolveDeidKey({ env: { DEID_KEY: "" }, dataDir });
    const path = join(dataDir, KEY_FILE_NAME);
    assert.equal(first.source, "data-dir-created");
    assert.equal(first.path, path);
    assert.equal(first.key.length, 32);
    assert.equal(await Deno.readTextFile(path), toHex(first.key) + "\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const second = await resolveDeidKey({ env: {}, dataDir });
    assert.deepEqual(second, { ...first, source: "data-dir" });
    assert.deepEqual([...Deno.readDirSync(dataDir)].map((e) => e.name), [KEY_FILE_NAME]);
  });
});

Deno.test("resolveDeidKey() never replaces an existing data-dir key", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, KEY_FILE_NAME), HEX_KEY, { mode: 0o600 });
    const k = await resolveDeidKey({ env: {}, dataDir: dir });
    assert.equal(k.source, "data-dir");
    assert.deepEqual(k.key, DIGEST);
    assert.equal(await Deno.readTextFile(join(dir, KEY_FILE_NAME)), HEX_KEY);
  });
});

Deno.test("resolveDeidKey() agrees on one key when many callers create it at once", async () => {
  await withTempDir(async (dir) => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => resolveDeidKey({ env: {}, dataDir: dir })),
    );
    for (const r of results) assert.deepEqual(r.key, results[0].key);
    assert.equal(results.filter((r) => r.source === "data-dir-created").length, 1);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [KEY_FILE_NAME]);
  });
});

Deno.test("describeDeidKey() names the source but never the key", async () => {
  await withTempDir(async (dir) => {
    const created = await resolveDeidKey({ env: {}, dataDir: dir });
    const text = describeDeidKey(created);
    assert.match(text, /deid\.key \(created now: back it up/);
    assert.ok(!text.includes(toHex(created.key)));
    const env = { DEID_KEY: HEX_KEY };
    const fromEnv = describeDeidKey(await resolveDeidKey({ env, processEnv: env, dataDir: dir }));
    assert.equal(fromEnv, "De-identification key from DEID_KEY in the environment");
  });
});
