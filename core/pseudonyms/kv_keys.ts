/**
 * Where sequential pseudonyms live in Deno KV. Per prefix and attribute:
 * `["pseudonym", PREFIX, ATTRIBUTE, "h", MAC]` → {@link PseudonymEntry} (MAC = keyed HMAC of
 * the original, never the original), `[…, "n", N]` → MAC (number N is taken) and
 * `[…, "last"]` → the highest number handed out.
 */
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import type { PseudonymAttribute } from "./attributes.ts";

/** First part of every key of this module. */
export const PSEUDONYM_ROOT = "pseudonym";
const INDEX_DOMAIN = "deid/pseudonym/index/v1";

/** What KV holds per original: its number, and the sealed original when the crosswalk is on. */
export interface PseudonymEntry {
  readonly n: number;
  /** `at_rest.ts` sealOriginal(); absent when allocated with the crosswalk off. */
  readonly original?: Uint8Array;
}

/** The index key, derived once per run from the de-identification key. */
export function indexKey(deidKey: Uint8Array): Uint8Array {
  return createHmac("sha256", deidKey).update(INDEX_DOMAIN, "utf8").digest();
}

/**
 * HMAC of one original (base64url). The prefix is part of the input, so one patient's entries
 * under two prefixes cannot be linked by someone holding only the KV file.
 */
export function originalMac(
  index: Uint8Array,
  prefix: string,
  attribute: PseudonymAttribute,
  original: string,
): string {
  const mac = createHmac("sha256", index).update(`${prefix}\0${attribute}\0`, "utf8")
    .update(original, "utf8").digest();
  return Buffer.from(mac).toString("base64url");
}

/** Key of the entry of one original. */
export function entryKey(prefix: string, attribute: PseudonymAttribute, mac: string): Deno.KvKey {
  return [PSEUDONYM_ROOT, prefix, attribute, "h", mac];
}

/** Key that marks number `n` as taken. */
export function numberKey(prefix: string, attribute: PseudonymAttribute, n: number): Deno.KvKey {
  return [PSEUDONYM_ROOT, prefix, attribute, "n", n];
}

/** Key of the highest number handed out. */
export function lastKey(prefix: string, attribute: PseudonymAttribute): Deno.KvKey {
  return [PSEUDONYM_ROOT, prefix, attribute, "last"];
}

/** The associated data that binds a sealed original to its entry. */
export function sealContext(prefix: string, attribute: PseudonymAttribute, mac: string): string {
  return `${PSEUDONYM_ROOT}\0${prefix}\0${attribute}\0${mac}`;
}
