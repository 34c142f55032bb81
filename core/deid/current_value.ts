/**
 * The value of the element the DeidentifyStage is in, as its chunks arrive: passed on as it
 * came, dropped, or gathered whole for an action that needs all of it (bounded, and copied
 * when it spans pushes, since the parser's chunks are only valid until the next push).
 */
import type { DicomEvent, ElementEvent } from "../dicom/events.ts";
import { concat } from "../dicom/file_meta.ts";
import { formatTag } from "../dicom/tag.ts";
import { DeidValueError } from "./errors.ts";

/** Largest value gathered whole to map, clean or rewrite it. */
export const MAX_GATHER = 1024 * 1024;

/** What becomes of a value's chunks: written as they come, dropped, or gathered whole. */
export type ValueMode = "pass" | "drop" | "gather";

interface Current {
  readonly mode: ValueMode;
  readonly parts: Uint8Array[];
  /** Parts before this index own their bytes. */
  owned: number;
  readonly done?: (value: Uint8Array) => void;
}

/** The current element's value: its mode and, when gathering, its chunks so far. */
export class CurrentValue {
  #cur: Current | undefined;

  /** The mode of the value now arriving; undefined between values. */
  get mode(): ValueMode | undefined {
    return this.#cur?.mode;
  }

  /**
   * Starts the value of `ev`. When gathering, `done` gets it whole after its last chunk; an
   * empty value calls `done` at once. A value above {@link MAX_GATHER} is refused.
   */
  start(ev: ElementEvent, mode: ValueMode, done?: (value: Uint8Array) => void): void {
    if (ev.length === 0) {
      done?.(new Uint8Array(0));
      return;
    }
    if (mode === "gather" && ev.length > MAX_GATHER) {
      throw new DeidValueError(
        `Value too long to de-identify (${ev.length} bytes) at offset 0x${
          ev.offset.toString(16).toUpperCase()
        } in ${formatTag(ev.tag)}`,
        ev.tag,
        ev.offset,
      );
    }
    this.#cur = { mode, parts: [], owned: 0, done };
  }

  /** Starts an encapsulated Pixel Data fragment: passed on, whatever its length. */
  startFragment(): void {
    this.#cur = { mode: "pass", parts: [], owned: 0 };
  }

  /**
   * Takes the next chunk of the value; true when it is to be written as it came. The last
   * chunk of a gathered value calls its `done` with the whole value.
   */
  take(ev: DicomEvent & { kind: "value" }): boolean {
    const cur = this.#cur;
    if (!cur) throw new TypeError("DeidentifyStage: value without element");
    if (cur.mode === "gather") cur.parts.push(ev.bytes);
    if (ev.last) {
      this.#cur = undefined;
      if (cur.mode === "gather") cur.done!(concat(cur.parts));
    }
    return cur.mode === "pass";
  }

  /** Copies the chunks gathered since the last call (the codec's buffer contract). */
  own(): void {
    const cur = this.#cur;
    if (cur?.mode !== "gather") return;
    for (let i = cur.owned; i < cur.parts.length; i++) cur.parts[i] = cur.parts[i].slice();
    cur.owned = cur.parts.length;
  }
}
