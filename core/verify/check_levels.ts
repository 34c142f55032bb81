/**
 * The nesting a checker is inside (dataset, items, sequences, encapsulated pixels), and the
 * subtrees it skips because their sequence was already reported as not allowed.
 */
import type { DicomEvent } from "../dicom/events.ts";
import type { Tag } from "../dicom/tag.ts";
import { PrivateLevel } from "./private_check.ts";

/** One level of the output's tree. */
export interface Level {
  readonly kind: "dataset" | "item" | "sequence" | "pixels";
  /** Creators and kept private blocks (datasets and items only). */
  readonly private?: PrivateLevel;
  /** Inside the engine's own (0012,0064): only code values are read, nothing is judged. */
  readonly ownCodes?: boolean;
  /** A sequence that must have no items (Z, X/Z): reported at its first item. */
  empty?: { readonly tag: Tag; readonly offset: number };
}

/** The stack of levels plus a skip counter for subtrees not to be looked into. */
export class CheckLevels {
  readonly #stack: Level[] = [{ kind: "dataset", private: new PrivateLevel() }];
  #skip = 0;

  /** True at the top level of the dataset (not inside any sequence). */
  get atTop(): boolean {
    return this.#stack.length === 1;
  }

  /** True while inside a skipped subtree. */
  get skipping(): boolean {
    return this.#skip > 0;
  }

  /** The innermost level. */
  top(): Level {
    return this.#stack[this.#stack.length - 1];
  }

  /** Enters a sequence or encapsulated Pixel Data. */
  push(level: Level): void {
    this.#stack.push(level);
  }

  /** Enters an item of the current sequence. */
  pushItem(ownCodes: boolean): void {
    this.#stack.push({ kind: "item", private: new PrivateLevel(), ownCodes });
  }

  /** Leaves the innermost level; the dataset itself is never popped. */
  pop(): Level {
    return this.#stack.length > 1 ? this.#stack.pop()! : this.#stack[0];
  }

  /** Skips the sequence that has just started, through its end. */
  skipSubtree(): void {
    this.#skip = 1;
  }

  /** Follows starts and ends inside a skipped subtree. */
  skipEvent(ev: DicomEvent): void {
    if (
      ev.kind === "sequenceStart" || ev.kind === "itemStart" || ev.kind === "pixelSequenceStart"
    ) this.#skip++;
    else if (ev.kind === "sequenceEnd" || ev.kind === "itemEnd") this.#skip--;
  }
}
