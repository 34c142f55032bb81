import { Deflate } from "fflate";

/** Small writes are copied into blocks of up to this size; big values pass by reference. */
const BLOCK = 64 * 1024;
/**
 * The first block's size; each next one doubles up to {@link BLOCK}. A 12 KB slice then costs
 * 4+8 KiB of zeroed memory instead of 64 KiB (thousands of small files made that allocation
 * and its garbage collection a tenth of the run). The sizes do not depend on the input's
 * chunking, so deflated output stays chunk-invariant.
 */
const FIRST_BLOCK = 4 * 1024;
/** Writes at least this long are handed on as they are (Pixel Data chunks, long values). */
const PASS_THROUGH = 4096;

/**
 * Collects encoder output: coalesces small writes (headers, short values) into 64 KiB
 * blocks so the stream sees few chunks, and passes large chunks through without copying.
 * When deflating, every byte goes through fixed 64 KiB blocks instead, because the deflated
 * output depends on how input is split and must not depend on input chunking (PS3.5 §A.5).
 */
export class OutputBuffer {
  #out: Uint8Array[] = [];
  /** Allocated on demand and handed over whole when flushed, so it is never copied again. */
  #block: Uint8Array | undefined;
  #used = 0;
  #nextBlock = FIRST_BLOCK;
  #deflater: Deflate | undefined;
  #deflatedBytes = 0;
  #written = 0;

  /** Bytes written so far (before deflation): where the next write lands in the file. */
  get written(): number {
    return this.#written;
  }

  /** Routes every later byte through raw DEFLATE (Deflated Explicit VR Little Endian). */
  startDeflate(): void {
    this.#flushBlock();
    this.#deflater = new Deflate({ level: 6 }, (data) => {
      this.#deflatedBytes += data.length;
      if (data.length > 0) this.#out.push(data);
    });
  }

  /** Appends bytes (kept by reference when large: the caller must not reuse them). */
  write(bytes: Uint8Array): void {
    this.#written += bytes.length;
    if (bytes.length >= PASS_THROUGH && !this.#deflater) {
      this.#flushBlock();
      this.#out.push(bytes);
      return;
    }
    let from = 0;
    while (from < bytes.length) {
      const block = this.#block ??= this.#newBlock();
      const n = Math.min(bytes.length - from, block.length - this.#used);
      block.set(bytes.subarray(from, from + n), this.#used);
      this.#used += n;
      from += n;
      if (this.#used === block.length) this.#flushBlock();
    }
  }

  /**
   * Room for `n` (≤ 16) bytes in the block, to be filled in place: element headers are
   * written straight into the output without a temporary array.
   */
  reserve(n: number): Uint8Array {
    this.#written += n;
    if (this.#block && this.#used + n > this.#block.length) this.#flushBlock();
    const block = this.#block ??= this.#newBlock();
    const room = block.subarray(this.#used, this.#used + n);
    this.#used += n;
    return room;
  }

  /**
   * Counts `n` bytes that the caller writes to the output itself, after the chunks returned
   * here (everything pending, small writes included). Not while deflating.
   */
  skip(n: number): Uint8Array[] {
    if (this.#deflater) throw new TypeError("OutputBuffer: cannot skip bytes of a deflated output");
    this.#flushBlock();
    this.#written += n;
    return this.take();
  }

  /** True when the output is being deflated (its bytes are not the encoder's). */
  get deflating(): boolean {
    return this.#deflater !== undefined;
  }

  /** The chunks ready so far (small writes stay pending until a block fills or `end()`). */
  take(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /** Flushes pending bytes (and the deflate stream's end); returns the last chunks. */
  end(): Uint8Array[] {
    if (this.#deflater) {
      this.#deflater.push((this.#block ?? new Uint8Array(0)).subarray(0, this.#used), true);
      // DICOM values and files have even lengths, and DIMSE peers (DCMTK) refuse an odd
      // deflated stream: pad with one zero after the end of the DEFLATE stream, which
      // inflaters ignore (the padding PS3.5 §7.1 asks of every value, applied to the stream).
      if (this.#deflatedBytes % 2 === 1) this.#out.push(new Uint8Array(1));
      this.#block = undefined;
      this.#used = 0;
    } else {
      this.#flushBlock();
    }
    return this.take();
  }

  #newBlock(): Uint8Array {
    const block = new Uint8Array(this.#nextBlock);
    this.#nextBlock = Math.min(BLOCK, this.#nextBlock * 2);
    return block;
  }

  #flushBlock(): void {
    if (this.#used === 0 || !this.#block) return;
    const filled = this.#block.subarray(0, this.#used);
    this.#block = undefined;
    this.#used = 0;
    if (this.#deflater) this.#deflater.push(filled);
    else this.#out.push(filled);
  }
}
