import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { loadOrCreateSigningKey, SigningKeyError } from "./signing_key.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "deid-signing-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadOrCreateSigningKey() creates an Ed25519 PKCS#8 PEM with mode 0600, then reloads it", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "sub", "manifest-signing.pem");
    const made = await loadOrCreateSigningKey(path);
    assert.equal(made.created, true);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.match(await Deno.readTextFile(path), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(made.privateKey.asymmetricKeyType, "ed25519");
    assert.match(made.id, /^[0-9a-f]{16}$/);
    const again = await loadOrCreateSigningKey(path);
    assert.equal(again.created, false);
    assert.equal(again.publicKey, made.publicKey);
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), [
      "manifest-signing.pem",
    ]);
  });
});

Deno.test("loadOrCreateSigningKey() called at once by many callers ends with one key", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "k.pem");
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(path)));
    assert.equal(new Set(keys.map((k) => k.publicKey)).size, 1);
    assert.equal(keys.filter((k) => k.created).length, 1);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["k.pem"]);
  });
});

Deno.test("loadOrCreateSigningKey() refuses a key that is not Ed25519, naming the path only", async () => {
  await withDir(async (dir) => {
    const ec = join(dir, "ec.pem");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await Deno.writeTextFile(ec, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    await assert.rejects(loadOrCreateSigningKey(ec), SigningKeyError);
    const junk = join(dir, "junk.pem");
    await Deno.writeTextFile(junk, "0011223344556677");
    await assert.rejects(loadOrCreateSigningKey(junk), (err: Error) => {
      assert.ok(err instanceof SigningKeyError);
      assert.ok(!err.message.includes("0011223344556677"));
      return true;
    });
  });
});
