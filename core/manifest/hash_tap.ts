/**
 * Hashes a file's bytes while they flow: HMAC of the input (keyed, docs/manifest.md) and
 * SHA-256 of the output, computed chunk by chunk around any synchronous transform, so the
 * manifest costs no second read of either file.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

/** A synchronous bytes-in, bytes-out transform (a DicomPipeline, or the identity for copies). */
export interface ChunkTransform {
  push(chunk: Uint8Array): Uint8Array[];
  finish(): Uint8Array[];
}

/** The digests of one file, lowercase hex. */
export interface FileDigests {
  readonly outputSha256: string;
  readonly outputBytes: number;
  readonly inputHmac: string;
  readonly inputBytes: number;
}

/** A {@link ChunkTransform} that hashes what goes into and comes out of `inner`. */
export class HashTap implements ChunkTransform {
  readonly #inner: ChunkTransform;
  readonly #input: Hmac;
  readonly #output: Hash = createHash("sha256");
  #inputBytes = 0;
  #outputBytes = 0;
  #digests: FileDigests | undefined;

  /** Wraps `inner`; `hashKey` keys the input HMAC (see keys.ts). */
  constructor(inner: ChunkTransform, hashKey: Uint8Array) {
    this.#inner = inner;
    this.#input = createHmac("sha256", hashKey);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    // Before the inner push: callers may refill `chunk` once the call has returned.
    this.#input.update(chunk);
    this.#inputBytes += chunk.length;
    return this.#tally(this.#inner.push(chunk));
  }

  finish(): Uint8Array[] {
    return this.#tally(this.#inner.finish());
  }

  /** The digests; valid once `finish()` has returned (and then frozen). */
  digests(): FileDigests {
    this.#digests ??= {
      outputSha256: this.#output.digest("hex"),
      outputBytes: this.#outputBytes,
      inputHmac: this.#input.digest("hex"),
      inputBytes: this.#inputBytes,
    };
    return this.#digests;
  }

  #tally(out: Uint8Array[]): Uint8Array[] {
    for (const chunk of out) {
      this.#output.update(chunk);
      this.#outputBytes += chunk.length;
    }
    return out;
  }
}
