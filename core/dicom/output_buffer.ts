import { Deflate } from "fflate";

/** Small writes are copied into a block of this size; big values pass by reference. */
const BLOCK = 64 * 1024;
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
  #block = new Uint8Array(BLOCK);
  #used = 0;
  #deflater: Deflate | undefined;

  /** Routes every later byte through raw DEFLATE (Deflated Explicit VR Little Endian). */
  startDeflate(): void {
    this.#flushBlock();
    this.#deflater = new Deflate({ level: 6 }, (data) => {
      if (data.length > 0) this.#out.push(data);
    });
  }

  /** Appends bytes (kept by reference when large: the caller must not reuse them). */
  write(bytes: Uint8Array): void {
    if (bytes.length >= PASS_THROUGH && !this.#deflater) {
      this.#flushBlock();
      this.#out.push(bytes);
      return;
    }
    let from = 0;
    while (from < bytes.length) {
      const n = Math.min(bytes.length - from, BLOCK - this.#used);
      this.#block.set(bytes.subarray(from, from + n), this.#used);
      this.#used += n;
      from += n;
      if (this.#used === BLOCK) this.#flushBlock();
    }
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
      this.#deflater.push(this.#block.slice(0, this.#used), true);
      this.#used = 0;
    } else {
      this.#flushBlock();
    }
    return this.take();
  }

  /** Hands pending small writes on now (so streamed output does not wait for a full block). */
  flush(): void {
    if (!this.#deflater) this.#flushBlock();
  }

  #flushBlock(): void {
    if (this.#used === 0) return;
    if (this.#deflater) {
      this.#deflater.push(this.#block.slice(0, this.#used));
    } else {
      this.#out.push(this.#block.slice(0, this.#used));
    }
    this.#used = 0;
  }
}
