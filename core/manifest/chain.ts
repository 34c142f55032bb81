/**
 * The hash chain and signature of a manifest (docs/manifest.md): each record carries `seq` and
 * the SHA-256 of the previous record's line, and the signature line signs the hex SHA-256 of
 * the last (summary) line, so one Ed25519 signature covers every record.
 */
import { type KeyObject, sign } from "node:crypto";
import { sha256Hex } from "./keys.ts";

/** The header's `prev`: 64 zeros. */
export const GENESIS = "0".repeat(64);

/** Builds the chained lines of one manifest, in order (no trailing `\n`). */
export class ManifestChain {
  #seq = 0;
  #prev = GENESIS;

  /** The next record's line: `{"type":…,"seq":…,"prev":…,…body}`. */
  next(type: string, body: Record<string, unknown>): string {
    const line = JSON.stringify({ type, seq: this.#seq, prev: this.#prev, ...body });
    this.#seq++;
    this.#prev = sha256Hex(line);
    return line;
  }

  /** How many records have been chained so far. */
  get length(): number {
    return this.#seq;
  }

  /** The signature line over the last record (the summary); not part of the chain. */
  signature(key: KeyObject, keyId: string): string {
    const head = this.#prev;
    const signature = sign(null, new TextEncoder().encode(head), key).toString("base64");
    return JSON.stringify({ type: "signature", alg: "Ed25519", keyId, head, signature });
  }
}
