/**
 * Keyed, deterministic UID replacement for PS3.15 action U (Annex E).
 *
 * A UID maps to `2.25.<decimal of a 128-bit value>` (PS3.5 §B.2): the value is the first 16 bytes
 * of HMAC-SHA-256(key, uid) shaped as an RFC 9562 version-8 UUID. Being a pure function of key
 * and UID, the same input maps to the same output in every process, chunk split and upload, so
 * references between instances stay intact and File Meta (0002,0003) can be rewritten before
 * (0008,0018) is seen. Node's `createHmac` is used because it is synchronous, which the push
 * tokenizer needs; WebCrypto is async.
 */
import { createHash, createHmac } from "node:crypto";
import { trimUid } from "../dicom/transfer_syntax.ts";

/** UIDs defined by the standard itself (SOP classes, transfer syntaxes, coding schemes). */
const STANDARD_ROOT = "1.2.840.10008.";

/** Prefix hashed with the key for its fingerprint, so the fingerprint is no other digest. */
const FINGERPRINT_DOMAIN = "dicom-deid key fingerprint\0";

/**
 * The replacement of one UID: `2.25.` + decimal of an HMAC-derived v8 UUID (PS3.5 §B.2). The
 * result has no padding, is at most 44 characters and never has a leading zero component.
 * Standard UIDs and the empty value come back unchanged (stripped of padding): replacing a SOP
 * Class or Transfer Syntax UID would make the object unreadable and identifies no one.
 */
export function mapUid(uid: string, key: Uint8Array): string {
  // trimUid strips the NUL pad and the spaces some writers use instead (PS3.5 §6.2).
  const value = trimUid(uid);
  if (value === "" || value.startsWith(STANDARD_ROOT)) return value;
  const bytes = createHmac("sha256", key).update(value, "utf8").digest().subarray(0, 16);
  // RFC 9562 §5.8: version 8 (custom) in the high nibble of octet 6, variant 10 in octet 8,
  // so the number is a well-formed UUID as §B.2 expects and is never zero.
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `2.25.${n}`;
}

/** The replacement of a UI value of any multiplicity: each `\`-separated UID mapped (PS3.5 §6.4). */
export function mapUidValue(raw: string, key: Uint8Array): string {
  return trimUid(raw).split("\\").map((uid) => mapUid(uid, key)).join("\\");
}

/**
 * A short public identifier of a key (16 hex digits of a domain-separated SHA-256), for logs and
 * the PS3.15 §E.1 audit trail: lets two runs be shown to share a key without revealing it.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHash("sha256").update(FINGERPRINT_DOMAIN).update(key).digest("hex").slice(0, 16);
}

/**
 * {@link mapUidValue} with a bounded memo shared by every file of a run: a study's Study,
 * Series and Frame of Reference UIDs repeat in each of its files, and one HMAC per distinct
 * UID instead of per occurrence is a fifth of the per-file cost on small files.
 */
export class UidMapper {
  readonly #key: Uint8Array;
  readonly #capacity: number;
  #memo = new Map<string, string>();

  /** A mapper for `key`, remembering at most `capacity` UIDs (then it starts afresh). */
  constructor(key: Uint8Array, capacity = 8192) {
    this.#key = key;
    this.#capacity = capacity;
  }

  /** Maps a UI value of any multiplicity; the same result as `mapUidValue(raw, key)`. */
  map(raw: string): string {
    return trimUid(raw).split("\\").map((uid) => {
      let out = this.#memo.get(uid);
      if (out === undefined) {
        if (this.#memo.size >= this.#capacity) this.#memo = new Map();
        out = mapUid(uid, this.#key);
        this.#memo.set(uid, out);
      }
      return out;
    }).join("\\");
  }
}
