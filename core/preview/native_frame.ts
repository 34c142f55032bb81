/**
 * Reads one native (uncompressed) frame as its bytes stream by (PS3.5 §8): samples are decoded
 * (1, 8, 16 or 32 bits, signed or not, either byte order, interleaved or planar) and summed
 * into a {@link BoxGrid} at once, so no frame buffer is ever held. A sample split between two
 * chunks is carried over.
 */
import { BoxGrid } from "./box.ts";
import type { ImageHeader, Photometric } from "./header.ts";
import { paletteIndex } from "./palette.ts";

/** The preview grid, how the frame's bytes are laid out, what each gray value becomes. */
export interface NativeFrameOptions {
  readonly photometric: Photometric;
  /** Preview size (the box grid). */
  readonly width: number;
  readonly height: number;
  /** Bytes of one frame (nativeFrameBytes() in header.ts). */
  readonly frameBytes: number;
  /** Explicit VR Big Endian OW with 8-bit (or 1-bit) samples: bytes swapped in pairs (PS3.5 §A.3). */
  readonly swapPairs: boolean;
  /** Applied to each grayscale stored value before it is summed (the window, display.ts). */
  readonly voi?: (v: number) => number;
}

/** Sums of the first frame in a box grid, filled by {@link NativeFrame.push}. */
export class NativeFrame {
  readonly grid: BoxGrid;
  readonly #h: ImageHeader;
  readonly #palette: boolean;
  readonly #unit: number;
  readonly #swap: boolean;
  readonly #voi?: (v: number) => number;
  readonly #voiTable?: Float64Array;
  readonly #voiFirst: number = 0;
  readonly #carry = new Uint8Array(4);
  #carryLength = 0;
  #remaining: number;
  #row = 0;
  #col = 0;
  /** Interleaved: sample within the pixel; planar: the plane. */
  #ch = 0;
  #scratch = new Uint8Array(0);
  #values: Float64Array | Int32Array = new Float64Array(0);
  /** Smallest and largest stored value of a grayscale frame, for the min/max window. */
  min = Infinity;
  max = -Infinity;

  constructor(h: ImageHeader, opts: NativeFrameOptions) {
    this.#h = h;
    this.#palette = opts.photometric === "PALETTE COLOR";
    const channels = this.#palette ? 3 : h.samplesPerPixel;
    this.grid = new BoxGrid(h.rows, h.columns, opts.width, opts.height, channels);
    this.#swap = opts.swapPairs && h.bitsAllocated <= 8;
    this.#voi = opts.voi;
    if (opts.voi && h.bitsStored <= 16) {
      // A table beats a call per sample (1.0 → 0.5 s for an 8192² 16-bit frame).
      this.#voiFirst = h.signed ? -(2 ** (h.bitsStored - 1)) : 0;
      this.#voiTable = Float64Array.from(
        { length: 2 ** h.bitsStored },
        (_, i) => opts.voi!(i + this.#voiFirst),
      );
    }
    this.#unit = this.#swap ? 2 : Math.max(1, h.bitsAllocated / 8);
    // Swapped pairs: an odd frame's last byte is the second of its pair on the wire.
    this.#remaining = this.#swap ? opts.frameBytes + (opts.frameBytes & 1) : opts.frameBytes;
  }

  /** True once every byte of the frame has been consumed. */
  get done(): boolean {
    return this.#remaining === 0;
  }

  /** Consumes the next bytes of Pixel Data; bytes past the frame's end are ignored. */
  push(input: Uint8Array): void {
    let bytes = input.subarray(0, Math.min(input.length, this.#remaining));
    this.#remaining -= bytes.length;
    if (this.#carryLength > 0) {
      const take = Math.min(this.#unit - this.#carryLength, bytes.length);
      this.#carry.set(bytes.subarray(0, take), this.#carryLength);
      this.#carryLength += take;
      bytes = bytes.subarray(take);
      if (this.#carryLength < this.#unit) return;
      this.#block(this.#carry.subarray(0, this.#unit));
      this.#carryLength = 0;
    }
    const whole = bytes.length - (bytes.length % this.#unit);
    if (whole > 0) this.#block(bytes.subarray(0, whole));
    this.#carry.set(bytes.subarray(whole), 0);
    this.#carryLength = bytes.length - whole;
  }

  /** Decodes whole units (`unit` bytes each), then sums them. */
  #block(raw: Uint8Array): void {
    let bytes = raw;
    if (this.#swap) {
      if (this.#scratch.length < raw.length) this.#scratch = new Uint8Array(raw.length);
      bytes = this.#scratch.subarray(0, raw.length);
      for (let i = 0; i < raw.length; i += 2) {
        bytes[i] = raw[i + 1];
        bytes[i + 1] = raw[i];
      }
    }
    const h = this.#h;
    const n = h.bitsAllocated === 1 ? bytes.length * 8 : bytes.length / (h.bitsAllocated / 8);
    // Integers for up to 16 bits (table lookups need no conversion), doubles for 32.
    if (this.#values.length < n) {
      this.#values = h.bitsAllocated === 32 ? new Float64Array(n) : new Int32Array(n);
    }
    const out = this.#values;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = h.littleEndian, bits = h.bitsStored;
    const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    const sign = h.signed ? 2 ** (bits - 1) : Infinity, wrap = 2 ** bits;
    switch (h.bitsAllocated) {
      case 1:
        for (let i = 0; i < n; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
        break;
      case 8:
        for (let i = 0; i < n; i++) out[i] = bytes[i] & mask;
        break;
      case 16:
        if (le && bytes.byteOffset % 2 === 0) {
          // Aligned little-endian words (the usual case) read 3× faster as a typed array.
          const words = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
          for (let i = 0; i < n; i++) out[i] = words[i] & mask;
        } else for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, le) & mask;
        break;
      case 32:
        for (let i = 0; i < n; i++) {
          out[i] = bits >= 32 ? view.getUint32(4 * i, le) : view.getUint32(4 * i, le) & mask;
        }
    }
    if (h.signed) { for (let i = 0; i < n; i++) if (out[i] >= sign) out[i] -= wrap; }
    this.#accumulate(out, n);
  }

  /** Adds `n` samples in frame order (locals, not fields, in the loop: it runs per sample). */
  #accumulate(values: Float64Array | Int32Array, n: number): void {
    const g = this.grid, h = this.#h, sums = g.sums, rowBase = g.rowBase, colCell = g.colCell;
    const rows = h.rows, columns = h.columns, spp = h.samplesPerPixel;
    const planar = !h.interleaved && spp > 1;
    const lut = this.#palette ? h.palette! : undefined, voi = this.#voi;
    const table = this.#voiTable, first = this.#voiFirst;
    let row = this.#row, col = this.#col, ch = this.#ch, min = this.min, max = this.max;
    if (spp === 1 && !lut) {
      // The common case, one row segment at a time: no position bookkeeping per sample.
      for (let i = 0; i < n && row < rows;) {
        const rb = rowBase[row], end = Math.min(n, i + columns - col);
        for (; i < end; i++, col++) {
          const v = values[i];
          sums[rb + colCell[col]] += table ? table[v - first] : voi ? voi(v) : v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (col === columns) {
          col = 0;
          row++;
        }
      }
    }
    for (let i = spp === 1 && !lut ? n : 0; i < n && row < rows; i++) {
      const v = values[i];
      const base = rowBase[row] + colCell[col];
      if (lut) {
        const k = paletteIndex(lut, v);
        sums[base] += lut.red[k];
        sums[base + 1] += lut.green[k];
        sums[base + 2] += lut.blue[k];
      } else {
        sums[base + ch] += table ? table[v - first] : voi ? voi(v) : v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (planar) {
        if (++col < columns) continue;
        col = 0;
        if (++row < rows) continue;
        if (++ch < spp) row = 0;
      } else {
        if (++ch < spp) continue;
        ch = 0;
        if (++col < columns) continue;
        col = 0;
        row++;
      }
    }
    this.#row = row;
    this.#col = col;
    this.#ch = ch;
    this.min = min;
    this.max = max;
  }
}
