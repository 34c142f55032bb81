/**
 * The manifest's hash key (docs/manifest.md "Keys"): derived from the de-identification key, so
 * the same key gives comparable manifests across runs, while the hash key itself can neither map
 * UIDs nor shift dates. Keyed hashes, because a plain hash of a UID or a file can be linked back
 * by anyone who holds the original.
 */
import { createHash, createHmac } from "node:crypto";

/** The domain string of the derivation; part of the format, never changes within version 1. */
export const HASH_KEY_INFO = "deid-manifest/1 hash key";

/** HMAC-SHA-256(deidKey, "deid-manifest/1 hash key"): 32 bytes. */
export function deriveHashKey(deidKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", deidKey).update(HASH_KEY_INFO, "utf8").digest());
}

/** First 16 hex digits of SHA-256 of the hash key: names it without revealing it. */
export function hashKeyId(hashKey: Uint8Array): string {
  return sha256Hex(hashKey).slice(0, 16);
}

/** Lowercase hex HMAC-SHA-256 of a UID's ASCII text (or any string) under the hash key. */
export function hmacHex(hashKey: Uint8Array, text: string): string {
  return createHmac("sha256", hashKey).update(text, "utf8").digest("hex");
}

/** Lowercase hex SHA-256 of bytes or of a string's UTF-8 bytes. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
