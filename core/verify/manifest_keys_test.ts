import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, createHmac, generateKeyPairSync } from "node:crypto";
import { chainAndSign, makeSigner } from "../../tests/verify/manifest_fixture.ts";
import {
  deidKeyId,
  deriveHashKey,
  keyCheck,
  readPinnedKey,
  signatureFindings,
} from "./manifest_keys.ts";
import { readManifest } from "./manifest_read.ts";

const KEY = new TextEncoder().encode("a de-identification key, 32 b..");

async function manifestWith(header: Record<string, unknown>, corrupt = false) {
  const signer = makeSigner();
  let text = chainAndSign([
    {
      type: "header",
      format: "deid-manifest/1",
      profile: { id: "dicomfields_2023", options: [] },
      keepPrivateTags: false,
      userRules: [],
      signingKey: signer.header,
      ...header,
    },
    { type: "summary", files: {} },
  ], signer);
  if (corrupt) {
    // Flip one bit of the signature's first byte, keeping it valid base64.
    text = text.replace(
      /"signature":"(.)/,
      (_m, c: string) => `"signature":"${c === "A" ? "B" : "A"}`,
    );
  }
  return await readManifest(
    "m",
    (async function* () {
      yield new TextEncoder().encode(text);
    })(),
    () => {},
  );
}

Deno.test("deriveHashKey() is HMAC-SHA-256(key, the label of docs/manifest.md)", () => {
  const expected = createHmac("sha256", KEY).update("deid-manifest/1 hash key").digest();
  assert.deepEqual(Buffer.from(deriveHashKey(KEY)), expected);
  assert.equal(deidKeyId(KEY).length, 16);
});

Deno.test("keyCheck() accepts the run's key and yields the hash key", async () => {
  const hashKey = deriveHashKey(KEY);
  const hashKeyId = createHash("sha256").update(hashKey).digest("hex").slice(0, 16);
  const data = await manifestWith({ keyId: deidKeyId(KEY), hashKeyId });
  const result = keyCheck("m", data, KEY);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.hashKey, hashKey);
});

Deno.test("keyCheck() refuses another key and skips the UID check", async () => {
  const data = await manifestWith({ keyId: "0000000000000000", hashKeyId: "0000000000000000" });
  const result = keyCheck("m", data, KEY);
  assert.equal(result.hashKey, undefined);
  assert.deepEqual(result.findings.map((f) => f.check), ["manifest-key", "manifest-key"]);
});

Deno.test("signatureFindings() finds a corrupted signature", async () => {
  const found = signatureFindings("m", await manifestWith({}, true));
  assert.deepEqual(found.map((f) => f.message), ["the signature does not verify"]);
});

Deno.test("readPinnedKey() takes an Ed25519 PEM only", () => {
  assert.equal(readPinnedKey(makeSigner().publicPem).asymmetricKeyType, "ed25519");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
  assert.throws(
    () => readPinnedKey(ec.export({ type: "spki", format: "pem" }).toString()),
    /not Ed25519/,
  );
  assert.throws(() => readPinnedKey("garbage"), /not a PEM public key/);
});
