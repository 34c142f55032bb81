/**
 * Originals at rest (only while the crosswalk is enabled): AES-256-GCM under a key derived
 * from the de-identification key, so that `crosswalk export` can list them. Trade-off: whoever
 * holds the KV file *and* the de-identification key can read them, which is the same person who
 * can re-run the anonymization; the KV file alone yields nothing. Each ciphertext is bound to
 * its KV entry (associated data), so ciphertexts cannot be swapped between patients.
 */
import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const DOMAIN = "deid/crosswalk/at-rest/v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AES key for originals at rest, derived from the de-identification key. */
export function atRestKey(deidKey: Uint8Array): Uint8Array {
  return createHmac("sha256", deidKey).update(DOMAIN, "utf8").digest();
}

/** iv ‖ ciphertext ‖ tag of `original`, bound to `context` (the entry's identity). */
export function sealOriginal(key: Uint8Array, context: string, original: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(new TextEncoder().encode(context));
  const body = cipher.update(original, "utf8");
  const end = cipher.final();
  const out = new Uint8Array(IV_BYTES + body.length + end.length + TAG_BYTES);
  out.set(iv, 0);
  out.set(body, IV_BYTES);
  out.set(end, IV_BYTES + body.length);
  out.set(cipher.getAuthTag(), out.length - TAG_BYTES);
  return out;
}

/** The original sealed by {@link sealOriginal}; throws when key, context or bytes differ. */
export function openOriginal(key: Uint8Array, context: string, sealed: Uint8Array): string {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new RangeError("Sealed original too short");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES))
    .setAAD(new TextEncoder().encode(context));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES));
  return Buffer.concat([body, decipher.final()]).toString("utf8");
}
