/**
 * A one-slot hand-over from a producer (the association reading its socket) to a consumer (a
 * batch upload iterating its body). `write()` resolves only when the consumer has finished
 * with the chunk (asks for the next one) or has stopped reading, so at most one chunk is in
 * flight: the socket is not read faster than the disk is written, and a chunk may be a view
 * of a socket buffer.
 */

/** An AsyncIterable of chunks with rendezvous backpressure. */
export class ByteChannel implements AsyncIterable<Uint8Array> {
  #slot: Uint8Array | undefined;
  /** Resolves the write of the chunk waiting in the slot. */
  #slotAck: (() => void) | undefined;
  /** Resolves the write of the chunk the consumer holds. */
  #heldAck: (() => void) | undefined;
  #pull: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  #pullFail: ((err: unknown) => void) | undefined;
  #closed = false;
  #error: unknown;
  #abandoned = false;

  /** Hands a chunk over; resolves once it is consumed (or the consumer is gone). */
  write(chunk: Uint8Array): Promise<void> {
    if (this.#abandoned) return Promise.resolve();
    if (this.#closed) throw new TypeError("ByteChannel: write after close");
    return new Promise((resolve) => {
      if (this.#pull) {
        const pull = this.#pull;
        this.#pull = this.#pullFail = undefined;
        this.#heldAck = resolve;
        pull({ value: chunk, done: false });
      } else {
        this.#slot = chunk;
        this.#slotAck = resolve;
      }
    });
  }

  /** Ends the stream: the consumer sees `done` after the last chunk. */
  close(): void {
    this.#closed = true;
    this.#settlePull();
  }

  /** Ends the stream with an error (the peer went away mid-dataset). */
  fail(err: unknown): void {
    this.#closed = true;
    this.#error = err;
    this.#settlePull();
  }

  /** The consumer is gone (finished early or failed): further writes return at once. */
  abandon(): void {
    this.#abandoned = true;
    this.#slot = undefined;
    for (const ack of [this.#slotAck, this.#heldAck]) ack?.();
    this.#slotAck = this.#heldAck = undefined;
  }

  /** True once the consumer stopped reading before the end. */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        this.#heldAck?.();
        this.#heldAck = undefined;
        if (this.#slot) {
          const value = this.#slot;
          this.#heldAck = this.#slotAck;
          this.#slot = this.#slotAck = undefined;
          return Promise.resolve({ value, done: false });
        }
        if (this.#error !== undefined) return Promise.reject(this.#error);
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.#pull = resolve;
          this.#pullFail = reject;
        });
      },
      return: () => {
        this.abandon();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  #settlePull(): void {
    if (!this.#pull) return;
    const [pull, fail] = [this.#pull, this.#pullFail!];
    this.#pull = this.#pullFail = undefined;
    if (this.#error !== undefined) fail(this.#error);
    else pull({ value: undefined, done: true });
  }
}
