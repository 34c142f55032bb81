import assert from "node:assert/strict";
import { deriveHashKey, HASH_KEY_INFO, hashKeyId, hmacHex } from "./keys.ts";

const hex = (b: ArrayBuffer | Uint8Array) =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("deriveHashKey() is HMAC-SHA-256(deidKey, the documented info), as WebCrypto computes it", async () => {
  const deidKey = new TextEncoder().encode("test-key-0123456789abcdef");
  const key = await crypto.subtle.importKey(
    "raw",
    deidKey,
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const expected = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode("deid-manifest/1 hash key"),
  );
  assert.equal(HASH_KEY_INFO, "deid-manifest/1 hash key");
  assert.equal(hex(deriveHashKey(deidKey)), hex(expected));
  assert.notEqual(hex(deriveHashKey(new Uint8Array(32))), hex(expected));
});

Deno.test("hashKeyId() is 16 hex digits of SHA-256 and does not reveal the key", async () => {
  const hashKey = deriveHashKey(new Uint8Array(32).fill(7));
  const digest = hex(await crypto.subtle.digest("SHA-256", new Uint8Array(hashKey)));
  assert.equal(hashKeyId(hashKey), digest.slice(0, 16));
  assert.ok(!hex(hashKey).includes(hashKeyId(hashKey)));
});

Deno.test("hmacHex() keys UID hashes: the same UID under two keys gives unrelated hashes", () => {
  const a = hmacHex(deriveHashKey(new Uint8Array(32).fill(1)), "1.2.3.4");
  const b = hmacHex(deriveHashKey(new Uint8Array(32).fill(2)), "1.2.3.4");
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
});
