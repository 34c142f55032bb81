/**
 * The sequences, items and encapsulated Pixel Data the parser is inside, with where each
 * defined-length one ends (PS3.5 §7.5): what tells the parser that a frame is complete, that
 * a length overruns its frame, or that input ended inside one. Kept apart from the byte
 * reading so the nesting rules can be read (and tested) on their own.
 */
import { DicomParseError } from "./errors.ts";
import { type DicomEvent, UNDEFINED_LENGTH } from "./events.ts";
import type { LevelEncoding } from "./header.ts";
import type { Tag } from "./tag.ts";

/** One open sequence, item or encapsulated Pixel Data. */
export interface Frame {
  readonly kind: "sequence" | "item" | "pixels";
  /** Absolute offset where a defined-length frame ends; UNDEFINED_LENGTH when delimited. */
  readonly end: number;
  /** How headers inside this frame are read. */
  readonly enc: LevelEncoding;
  /** The sequence's or Pixel Data's tag (items: their sequence's), for error messages. */
  readonly tag: Tag;
}

/** The open frames, innermost last, bounded by a nesting limit. */
export class FrameStack {
  readonly #frames: Frame[] = [];
  readonly #maxDepth: number;

  /** `maxDepth`: deepest nesting accepted (hostile input could nest without end). */
  constructor(maxDepth: number) {
    this.#maxDepth = maxDepth;
  }

  /** How many frames are open. */
  get depth(): number {
    return this.#frames.length;
  }

  /** The innermost open frame, if any. */
  get top(): Frame | undefined {
    return this.#frames.at(-1);
  }

  /** Opens a frame whose header starts at `at`; throws past the nesting limit. */
  open(frame: Frame, at: number): void {
    if (this.#frames.length >= this.#maxDepth) {
      throw new DicomParseError(`Nesting deeper than ${this.#maxDepth} levels`, at);
    }
    this.#frames.push(frame);
  }

  /** Closes the innermost frame; returns the event that says so. */
  close(): DicomEvent {
    const frame = this.#frames.pop()!;
    return frame.kind === "item" ? { kind: "itemEnd" } : { kind: "sequenceEnd" };
  }

  /** The innermost frame still unfinished at `offset` (input ending here is truncated). */
  unfinished(offset: number): Frame | undefined {
    return this.#frames.findLast((f) => f.end === UNDEFINED_LENGTH || f.end > offset);
  }

  /**
   * Rejects `length` bytes from `offset` that run past the defined length of any enclosing
   * frame (`tag` names the element in the error).
   */
  checkFits(offset: number, length: number, tag: Tag): void {
    for (let i = this.#frames.length - 1; i >= 0; i--) {
      const end = this.#frames[i].end;
      if (end === UNDEFINED_LENGTH) continue;
      if (offset + length > end) {
        throw new DicomParseError(
          `Value length ${length} runs past the enclosing ${this.#frames[i].kind}`,
          offset,
          tag,
        );
      }
      return; // inner defined frames already lie within outer ones
    }
  }
}
