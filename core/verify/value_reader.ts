/**
 * Reads the few element values a checker needs whole (UIDs, creators, claims) from the codec's
 * `value` events, copying them (the events are views of a buffer the reader refills). Values
 * over {@link MAX_READ} bytes are not read: nothing verify reads is that long when well-formed.
 */
import type { ElementEvent } from "../dicom/events.ts";
import { latin1 } from "./text.ts";

/** Largest value read whole. */
export const MAX_READ = 64 * 1024;

/** Collects the current element's value for the readers that asked for it. */
export class ValueReader {
  #readers: ((text: string) => void)[] = [];
  #parts: Uint8Array[] = [];
  #size = 0;

  /** A new element starts: forget the last one's readers. */
  startElement(): void {
    this.#readers = [];
    this.#parts = [];
    this.#size = 0;
  }

  /** Asks for the current element's value as Latin-1 text (at once when it is empty). */
  read(ev: ElementEvent, reader: (text: string) => void): void {
    if (ev.length === 0) reader("");
    else if (ev.length <= MAX_READ) this.#readers.push(reader);
  }

  /** Takes one `value` event of the current element. */
  value(bytes: Uint8Array, last: boolean): void {
    if (this.#readers.length === 0) return;
    if (this.#size + bytes.length <= MAX_READ) this.#parts.push(bytes.slice());
    this.#size += bytes.length;
    if (!last) return;
    const text = this.#size <= MAX_READ ? latin1(this.#parts) : undefined;
    const readers = this.#readers;
    this.startElement();
    if (text !== undefined) { for (const r of readers) r(text); }
  }
}
