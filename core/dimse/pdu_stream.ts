/**
 * A socket seen as PDU events: `next()` pulls socket chunks through a {@link PduReader} only
 * when the caller wants the next event, so a slow consumer (the disk) slows the peer down
 * through TCP instead of filling memory. `write()` waits for `drain`.
 */
import type { Socket } from "node:net";
import { type PduEvent, PduReader, type PduReaderOptions } from "./pdu_reader.ts";

/** No bytes came from the peer within the time allowed (ARTIM or idle timeout). */
export class DimseTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no PDU event within ${ms} ms`);
    this.name = "DimseTimeoutError";
  }
}

/** Pull-based PDU events over a node:net socket. */
export class PduStream {
  readonly socket: Socket;
  readonly #reader: PduReader;
  readonly #chunks: AsyncIterator<Uint8Array>;
  #events: PduEvent[] = [];
  #at = 0;
  #ended = false;

  constructor(socket: Socket, options: PduReaderOptions) {
    this.socket = socket;
    this.#reader = new PduReader(options);
    this.#chunks = socket[Symbol.asyncIterator]();
  }

  /**
   * The next event, or undefined when the peer closed the connection (or it broke). Throws
   * DimseProtocolError on a bad PDU and DimseTimeoutError when no event completes within
   * `timeoutMs` (a deadline, so bytes trickling in without completing anything do not extend
   * it). An event's bytes stay valid until the next call.
   */
  async next(timeoutMs: number, what: string): Promise<PduEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.#at >= this.#events.length) {
      if (this.#ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new DimseTimeoutError(what, timeoutMs);
      const chunk = await this.#read(left, what, timeoutMs);
      if (chunk === undefined) {
        this.#ended = true;
        return undefined;
      }
      this.#events = this.#reader.push(chunk);
      this.#at = 0;
    }
    return this.#events[this.#at++];
  }

  /** True when the peer's last bytes ended on a PDU boundary. */
  get atBoundary(): boolean {
    return this.#reader.atBoundary;
  }

  /** Writes bytes, waiting while the socket's buffer is full; false if the socket is gone. */
  async write(bytes: Uint8Array): Promise<boolean> {
    const s = this.socket;
    if (s.destroyed || !s.writable) return false;
    if (s.write(bytes)) return true;
    return await new Promise((resolve) => {
      const done = (ok: boolean) => {
        s.off("drain", onDrain);
        s.off("close", onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      s.once("drain", onDrain);
      s.once("close", onClose);
    });
  }

  /** Ends our side once pending writes are flushed; gives the peer `ms` to close, then destroys. */
  async hangUp(ms: number): Promise<void> {
    const s = this.socket;
    if (!s.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          s.off("close", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        s.once("close", done);
        s.end();
      });
    }
    s.destroy();
  }

  async #read(left: number, what: string, timeoutMs: number): Promise<Uint8Array | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DimseTimeoutError(what, timeoutMs)), left);
    });
    try {
      const r = await Promise.race([this.#chunks.next(), timeout]);
      return r.done ? undefined : r.value;
    } catch (err) {
      if (err instanceof DimseTimeoutError) throw err;
      return undefined; // reset, premature close: the connection is gone
    } finally {
      clearTimeout(timer);
    }
  }
}
