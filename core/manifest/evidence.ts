/**
 * Turns what one file's run produced (digests of a {@link HashTap}, the engine's audit) into
 * the manifest's per-file evidence: UIDs become keyed hashes here, where the file was
 * processed, so raw UIDs never leave it (not even to the main thread).
 */
import type { FileAudit } from "../deid/audit.ts";
import type { HashTap } from "./hash_tap.ts";
import { hmacHex } from "./keys.ts";
import type { FileEvidence } from "./records.ts";

/** Most UID hashes remembered: a study's Study, Series and Frame of Reference UIDs recur. */
const MEMO_SIZE = 8192;
let memo: { key: Uint8Array; hashes: Map<string, string> } | undefined;

/** HMAC of a UID under `hashKey`, from a bounded memo (an HMAC costs ~10 µs here). */
function uidHash(hashKey: Uint8Array, uid: string): string {
  if (memo?.key !== hashKey) memo = { key: hashKey, hashes: new Map() };
  let hash = memo.hashes.get(uid);
  if (hash === undefined) {
    if (memo.hashes.size >= MEMO_SIZE) memo.hashes.clear();
    memo.hashes.set(uid, hash = hmacHex(hashKey, uid));
  }
  return hash;
}

/** The evidence of one finished file; `audit` for DICOM outputs, none for copies. */
export function fileEvidence(tap: HashTap, hashKey: Uint8Array, audit?: FileAudit): FileEvidence {
  const digests = tap.digests();
  if (!audit) return { ...digests };
  return {
    ...digests,
    inputUids: audit.inputUids.map((uid) => uidHash(hashKey, uid)).sort(),
    inputUidsTruncated: audit.inputUidsTruncated,
    actions: audit.actions,
    actionsTruncated: audit.truncated,
    counts: audit.counts,
  };
}
