/**
 * Blanks rectangles in native Pixel Data as it streams: each value chunk is looked at with
 * its byte offset in the value, and only the lines it overlaps are visited. Memory is the
 * per-row span table (bounded by Rows), whatever the size of the file or of its chunks.
 */
import type { PixelRectangle } from "./pixel_rules.ts";
import { type PixelLayout, rowSpans } from "./pixel_layout.ts";

/** Blanks (sets to 0) every sample of every pixel in the rectangles, in every frame. */
export class PixelBlanker {
  readonly #layout: PixelLayout;
  readonly #spans: ReturnType<typeof rowSpans>;
  readonly #lines: number;

  constructor(layout: PixelLayout, columns: number, rectangles: readonly PixelRectangle[]) {
    this.#layout = layout;
    this.#spans = rowSpans(layout, columns, rectangles);
    this.#lines = layout.frames * layout.linesPerFrame;
  }

  /**
   * The chunk with its covered bits cleared: a copy when any bit changes (the input may be the
   * caller's read buffer, and originals are never modified), else the chunk itself. `offset`
   * is the chunk's position in the Pixel Data value; bytes past the last frame (padding) stay.
   */
  blank(chunk: Uint8Array, offset: number): Uint8Array {
    const { lineBits, linesPerFrame, rows, swapBytes } = this.#layout;
    // A swapped byte may sit one byte away from its logical place: look one byte further.
    const from = Math.max(0, offset - (swapBytes ? 1 : 0)) * 8;
    const to = (offset + chunk.length + (swapBytes ? 1 : 0)) * 8;
    const last = Math.min(this.#lines - 1, Math.floor((to - 1) / lineBits));
    const target = new Target(chunk, offset, swapBytes);
    for (let line = Math.floor(from / lineBits); line <= last; line++) {
      const spans = this.#spans[(line % linesPerFrame) % rows];
      if (!spans) continue;
      const base = line * lineBits;
      for (const [a, b] of spans) target.clearBits(base + a, base + b);
    }
    return target.out;
  }
}

/** The output chunk, copied on first write; positions are logical bit offsets in the value. */
class Target {
  out: Uint8Array;
  readonly #chunk: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  readonly #swap: boolean;
  #copied = false;

  constructor(chunk: Uint8Array, start: number, swap: boolean) {
    this.out = this.#chunk = chunk;
    this.#start = start;
    this.#end = start + chunk.length;
    this.#swap = swap;
  }

  /** Clears logical bits [a, b): partial bytes by mask, whole bytes by fill. */
  clearBits(a: number, b: number): void {
    if (b <= a) return;
    const first = Math.floor(a / 8), lastByte = Math.floor((b - 1) / 8);
    if (first === lastByte) return this.#clearByte(first, bitMask(a % 8, (b - 1) % 8 + 1));
    let fa = first, fb = lastByte + 1;
    if (a % 8) this.#clearByte(first, bitMask(a % 8, 8)), fa++;
    if (b % 8) this.#clearByte(lastByte, bitMask(0, b % 8)), fb--;
    this.#clearBytes(fa, fb);
  }

  /** Clears logical bytes [a, b); with swapped words, odd ends are single bytes elsewhere. */
  #clearBytes(a: number, b: number): void {
    if (this.#swap) {
      if (a % 2 && a < b) this.#clearByte(a++, 0xff);
      if (b % 2 && a < b) this.#clearByte(--b, 0xff);
    }
    const s = Math.max(a, this.#start), e = Math.min(b, this.#end);
    if (s >= e) return;
    this.#own().fill(0, s - this.#start, e - this.#start);
  }

  #clearByte(logical: number, mask: number): void {
    const at = this.#swap ? logical ^ 1 : logical;
    if (at < this.#start || at >= this.#end) return;
    const i = at - this.#start;
    if ((this.out[i] & mask) === 0) return;
    this.#own()[i] &= ~mask;
  }

  #own(): Uint8Array {
    if (!this.#copied) {
      this.out = this.#chunk.slice();
      this.#copied = true;
    }
    return this.out;
  }
}

/** Bits [lo, hi) of a byte; bit 0 is the first pixel of a packed byte (PS3.5 §8.1.1). */
function bitMask(lo: number, hi: number): number {
  return ((1 << hi) - (1 << lo)) & 0xff;
}
