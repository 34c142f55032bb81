/**
 * The raw-DEFLATE side of the Deflated Explicit VR Little Endian syntax (PS3.5 §A.5): the
 * dataset after File Meta is inflated into a byte queue the parser reads like any other input.
 * Kept apart from the parser because it has its own costs (batching) and its own errors.
 */
import { Inflate } from "fflate";
import type { ByteQueue } from "./byte_queue.ts";
import { DicomParseError } from "./errors.ts";
import { concat } from "./file_meta.ts";

/**
 * Deflated input reaches the inflater in pieces of at least this size: fflate copies its
 * 32 KiB window on every push, so tiny pushes cost ~100 KiB of garbage each (fuzzing: a 4.6 KB
 * file pushed 6 bytes at a time took 200 ms and +100 MB RSS). Events come later, not others.
 */
export const INFLATE_BATCH = 16 * 1024;
/** fflate error codes (its `ec` table) → our own words, so no library text reaches a message. */
const INFLATE_ERRORS = [
  "unexpected end",
  "invalid block type",
  "invalid literal",
  "invalid distance",
];

/** Inflates raw DEFLATE bytes into a {@link ByteQueue}, in batches; corrupt data throws. */
export class BatchedInflater {
  readonly #queue: ByteQueue;
  readonly #inflate: Inflate;
  /** Small deflated chunks waiting for {@link INFLATE_BATCH} bytes (owned copies). */
  #waiting: Uint8Array[] = [];
  #waitingBytes = 0;

  /** `queue` receives the inflated bytes (the parser's queue once File Meta has ended). */
  constructor(queue: ByteQueue) {
    this.#queue = queue;
    this.#inflate = new Inflate((data) => queue.push(data));
  }

  /**
   * Feeds raw DEFLATE bytes; `final` ends the stream. `offset` is the dataset offset of the
   * first inflated byte still queued: a DicomParseError names how far inflation got, where
   * the damage shows.
   */
  push(chunk: Uint8Array, final: boolean, offset: number): void {
    if (!final && this.#waitingBytes + chunk.length < INFLATE_BATCH) {
      // Copied: the caller may refill its buffer once push() returns (buffer contract).
      if (chunk.length > 0) this.#waiting.push(chunk.slice());
      this.#waitingBytes += chunk.length;
      return;
    }
    const data = this.#waiting.length ? concat([...this.#waiting, chunk]) : chunk;
    this.#waiting = [];
    this.#waitingBytes = 0;
    try {
      this.#inflate.push(data, final);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== "number") throw e;
      throw new DicomParseError(
        `Corrupt deflated dataset: ${INFLATE_ERRORS[code] ?? "unreadable data"}`,
        offset + this.#queue.available,
      );
    }
  }
}
