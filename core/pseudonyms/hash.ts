/**
 * `--pseudonyms hash`: each original becomes a keyed HMAC-SHA-256 of itself, written in
 * Crockford base32 (digits and upper-case letters without I, L, O, U: plain ASCII, valid in
 * SH, LO and as a one-component PN) and cut to the attribute's size: 16 characters (80 bits)
 * for SH, 32 (160 bits) for LO and PN. The same key gives the same pseudonym in every process
 * and run; another key gives an unrelated one. Synchronous (node:crypto), as the core needs.
 */
import { createHmac } from "node:crypto";
import {
  PSEUDONYM_ATTRIBUTES,
  type PseudonymAttribute,
  type PseudonymLookup,
} from "./attributes.ts";

/** Separates these MACs from the UID map (its input never has a NUL) and the date shift. */
const DOMAIN = "deid/pseudonym/hash/v1\0";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The hash pseudonym of a normalized, non-empty original. */
export function hashPseudonym(
  key: Uint8Array,
  attribute: PseudonymAttribute,
  original: string,
): string {
  const mac = createHmac("sha256", key).update(`${DOMAIN}${attribute}\0`, "utf8")
    .update(original, "utf8").digest();
  return base32(mac).slice(0, PSEUDONYM_ATTRIBUTES[attribute].hashLength);
}

/** A lookup for the engine: empty stays empty, everything else gets its hash pseudonym. */
export function hashLookup(key: Uint8Array): PseudonymLookup {
  return (attribute, original) => original === "" ? "" : hashPseudonym(key, attribute, original);
}

/** Crockford base32, 5 bits per character, most significant first, no padding. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return bits > 0 ? out + CROCKFORD[(value << (5 - bits)) & 31] : out;
}
