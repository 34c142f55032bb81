/**
 * Streaming search of an output's bytes for the `--phi-list` patterns, in one pass whatever the
 * number of strings: each position's first two bytes (case-folded) are looked up in a 64 Ki
 * table, and only the few patterns starting so are compared. Positions near a chunk's end are
 * carried over and searched with the next chunk, so a string split across chunks is found and
 * the result does not depend on chunking. Each phi-list line is reported at its first occurrence
 * per file (offset only, never the string or the line).
 *
 * Word edges: a pattern that starts (ends) with an ASCII letter counts only where no letter
 * precedes (follows) it, and one that starts (ends) with a digit only where no digit or dot
 * does, so "MARY" is not found in "PRIMARY" nor an ID inside a fresh 2.25… UID.
 */
import { LOWER, type PhiPattern } from "./phi_patterns.ts";

const LETTER = new Uint8Array(256);
const DIGITISH = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  LETTER[c] = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 0;
  DIGITISH[c] = (c >= 0x30 && c <= 0x39) || c === 0x2e ? 1 : 0;
}

/** The bytes that must not touch a pattern's edge byte: letters, digits and dots, or none. */
function edgeClass(b: number): Uint8Array | undefined {
  if (LETTER[b]) return LETTER;
  return b >= 0x30 && b <= 0x39 ? DIGITISH : undefined;
}

interface Compiled {
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly before?: Uint8Array;
  readonly after?: Uint8Array;
}

/** One stream's search; `hit` gets (phi-list line, byte offset) once per line. */
export class PhiGrep {
  readonly #byKey = new Map<number, Compiled[]>();
  readonly #present = new Uint8Array(65536);
  readonly #found = new Set<number>();
  readonly #hit: (entry: number, offset: number) => void;
  readonly #maxLen: number;
  readonly #entries: number;
  /**
   * Work buffer, reused across chunks (no allocation per chunk): its first `#carryLength` bytes
   * are kept from earlier chunks, one context byte, then positions not yet searched.
   */
  #work = new Uint8Array(0);
  #carryLength = 0;
  /** Stream offset of `#work[0]`, and index in it of the first position not yet searched. */
  #carryStart = 0;
  #scanFrom = 0;

  constructor(patterns: readonly PhiPattern[], hit: (entry: number, offset: number) => void) {
    this.#hit = hit;
    for (const p of patterns) {
      const b = p.bytes;
      const key = b[0] * 256 + b[1];
      const list = this.#byKey.get(key) ?? [];
      list.push({ ...p, before: edgeClass(b[0]), after: edgeClass(b[b.length - 1]) });
      this.#byKey.set(key, list);
      this.#present[key] = 1;
    }
    this.#maxLen = patterns.reduce((n, p) => Math.max(n, p.bytes.length), 0);
    this.#entries = new Set(patterns.map((p) => p.entry)).size;
  }

  /** True when nothing is left to find in this stream. */
  get idle(): boolean {
    return this.#found.size === this.#entries;
  }

  /** Searches the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    if (this.idle || chunk.length === 0) return;
    const length = this.#carryLength + chunk.length;
    if (length > this.#work.length) {
      const grown = new Uint8Array(Math.max(length, 2 * this.#work.length));
      grown.set(this.#work.subarray(0, this.#carryLength));
      this.#work = grown;
    }
    const buf = this.#work.subarray(0, length);
    buf.set(chunk, this.#carryLength);
    // Positions whose longest pattern and following byte lie inside buf are searched now.
    const end = length - this.#maxLen;
    if (end <= this.#scanFrom) {
      this.#carryLength = length;
      return;
    }
    this.#scan(buf, this.#scanFrom, end, false);
    this.#work.copyWithin(0, end - 1, length);
    this.#carryLength = length - end + 1;
    this.#carryStart += end - 1;
    this.#scanFrom = 1;
  }

  /** Ends the stream: the carried positions are searched with nothing after them. */
  finish(): void {
    const carry = this.#work.subarray(0, this.#carryLength);
    if (!this.idle) this.#scan(carry, this.#scanFrom, carry.length - 1, true);
    this.#carryLength = 0;
    this.#scanFrom = 0;
  }

  /**
   * Ends the current run of bytes and starts another at stream offset `offset` (the next
   * element's value, when values are searched one by one): nothing matches across the gap.
   */
  jump(offset: number): void {
    this.finish();
    this.#carryStart = offset;
  }

  #scan(buf: Uint8Array, from: number, end: number, last: boolean): void {
    for (
      let i = candidate(buf, from, end, this.#present);
      i >= 0;
      i = candidate(buf, i + 1, end, this.#present)
    ) {
      for (const p of this.#byKey.get(LOWER[buf[i]] * 256 + LOWER[buf[i + 1]])!) {
        if (!this.#found.has(p.entry) && matchAt(buf, i, p, last)) {
          this.#found.add(p.entry);
          this.#hit(p.entry, this.#carryStart + i);
        }
      }
    }
  }
}

/**
 * The first position in [from, end) whose two case-folded bytes start some pattern, or -1. The
 * hot loop of the search (about 4 ns a byte): a plain function over locals, which V8 optimizes
 * far better than the same loop in a method reading fields.
 */
function candidate(buf: Uint8Array, from: number, end: number, present: Uint8Array): number {
  if (from >= end) return -1;
  let prev = LOWER[buf[from]];
  for (let i = from; i < end; i++) {
    const next = LOWER[buf[i + 1]];
    if (present[(prev << 8) | next] !== 0) return i;
    prev = next;
  }
  return -1;
}

function matchAt(buf: Uint8Array, i: number, p: Compiled, last: boolean): boolean {
  const b = p.bytes;
  const stop = i + b.length;
  if (stop > buf.length) return false;
  for (let k = 2; k < b.length; k++) if (LOWER[buf[i + k]] !== b[k]) return false;
  // The first byte of a stream has nothing before it; the carried context byte is real data.
  if (p.before && i > 0 && p.before[buf[i - 1]]) return false;
  if (p.after && stop < buf.length && p.after[buf[stop]]) return false;
  return stop < buf.length || last;
}
