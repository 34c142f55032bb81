/**
 * A FIFO of input chunks that hands out bytes without copying where it can: reads that fall
 * inside one chunk are `subarray` views; only reads that straddle chunks (element headers,
 * gathered short values) copy. This is what keeps Pixel Data pass-through zero-copy.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #head = 0; // index of the first live chunk
  #pos = 0; // read position inside #chunks[#head]
  #available = 0;
  /** Chunks before this index are copies made by `compact`, not the caller's buffers. */
  #owned = 0;

  /** Bytes buffered and not yet consumed. */
  get available(): number {
    return this.#available;
  }

  /** Appends a chunk (kept by reference: the caller must not reuse its buffer). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /** The byte `index` positions ahead of the read position (caller checks `available`). */
  byteAt(index: number): number {
    let i = this.#head;
    let at = this.#pos + index;
    while (at >= this.#chunks[i].length) {
      at -= this.#chunks[i].length;
      i++;
    }
    return this.#chunks[i][at];
  }

  /** The next `n` bytes without consuming them: a view when contiguous, else a copy. */
  peek(n: number): Uint8Array {
    if (n > this.#available) throw new RangeError(`peek(${n}) beyond ${this.#available} bytes`);
    const first = this.#chunks[this.#head];
    if (first && first.length - this.#pos >= n) return first.subarray(this.#pos, this.#pos + n);
    const out = new Uint8Array(n);
    let filled = 0;
    let i = this.#head;
    let pos = this.#pos;
    while (filled < n) {
      const c = this.#chunks[i];
      const take = Math.min(n - filled, c.length - pos);
      out.set(c.subarray(pos, pos + take), filled);
      filled += take;
      i++;
      pos = 0;
    }
    return out;
  }

  /** Consumes and returns the next `n` bytes (a view when contiguous, else a copy). */
  take(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Consumes up to `max` bytes from the front chunk only, as a zero-copy view. */
  takeUpTo(max: number): Uint8Array {
    const c = this.#chunks[this.#head];
    const n = Math.min(max, c.length - this.#pos);
    const out = c.subarray(this.#pos, this.#pos + n);
    this.skip(n);
    return out;
  }

  /** Discards the next `n` bytes. */
  skip(n: number): void {
    if (n > this.#available) throw new RangeError(`skip(${n}) beyond ${this.#available} bytes`);
    this.#available -= n;
    while (n > 0) {
      const left = this.#chunks[this.#head].length - this.#pos;
      if (n < left) {
        this.#pos += n;
        return;
      }
      n -= left;
      this.#head++;
      this.#pos = 0;
    }
    // Drop consumed chunk references so their memory can be freed.
    if (this.#head > 32 || this.#head === this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#owned = Math.max(0, this.#owned - this.#head);
      this.#head = 0;
    }
  }

  /**
   * Copies the unconsumed bytes into memory the queue owns, so the caller may reuse its input
   * buffers once `push` returns. Only a partial header or File Meta value is ever left over.
   */
  compact(): void {
    if (this.#available === 0) {
      if (this.#chunks.length > 0) this.#chunks.length = 0;
      this.#head = 0;
      this.#pos = 0;
      this.#owned = 0;
      return;
    }
    if (this.#head > 0) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#owned = Math.max(0, this.#owned - this.#head);
      this.#head = 0;
    }
    if (this.#owned === this.#chunks.length) return;
    // Copy only what was pushed since the last call: earlier leftovers are copies already.
    // Re-copying them made a 64 KiB File Meta value arriving in 1-byte pushes cost 2 GiB of
    // copies (fuzzing: 1.2 s). Trailing copies no larger than the new bytes are merged in, so
    // chunks stay few (log n) and each byte is copied O(log n) times.
    let keep = this.#owned;
    let size = 0;
    for (let i = keep; i < this.#chunks.length; i++) size += this.#chunks[i].length;
    if (keep === 0) size -= this.#pos;
    while (keep > 0 && this.#chunks[keep - 1].length - (keep === 1 ? this.#pos : 0) <= size) {
      keep--;
      size += this.#chunks[keep].length - (keep === 0 ? this.#pos : 0);
    }
    const copy = new Uint8Array(size);
    let at = 0;
    for (let i = keep; i < this.#chunks.length; i++) {
      const c = i === 0 ? this.#chunks[i].subarray(this.#pos) : this.#chunks[i];
      copy.set(c, at);
      at += c.length;
    }
    if (keep === 0) this.#pos = 0;
    this.#chunks.length = keep;
    this.#chunks.push(copy);
    this.#owned = this.#chunks.length;
  }

  /** Removes and returns everything buffered, as views. */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.#available > 0) out.push(this.takeUpTo(this.#available));
    return out;
  }
}
