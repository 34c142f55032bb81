import type { DicomEvent } from "../dicom/events.ts";
import { concat } from "../dicom/file_meta.ts";
import { PIXEL_DATA, type Tag } from "../dicom/tag.ts";
import { trimUid } from "../dicom/transfer_syntax.ts";

/** Most header bytes held back before output starts, whatever comes (STYLE.md, lookahead). */
export const HOLDBACK_LIMIT = 1024 * 1024;
/**
 * What one held event counts against {@link HOLDBACK_LIMIT} besides its value bytes: about its
 * size on the heap. Without it a header of empty elements was held whole (fuzzing: 16 MB of
 * 8-byte empty elements ran a 200 MB heap out of memory); now at most 16,384 events are held.
 */
export const HELD_EVENT_COST = 64;

/** Top-level facts that decisions earlier in the stream depend on. */
export interface HeaderFacts {
  /** Patient ID (0010,0020), trimmed: keys the per-patient date shift. */
  patientId: string;
  /** Media Storage SOP Class UID (0002,0002). */
  sopClass?: string;
  /** Every tag seen in the held header, at any depth (to tell which option rows ran). */
  readonly tags: Set<Tag>;
}

/**
 * Holds the events of the header — up to the first top-level Pixel Data, 1 MiB of values or
 * the end — and collects {@link HeaderFacts} from them, so that e.g. a date in group 0008 can
 * be shifted by a key derived from the Patient ID in group 0010. Pixel Data is never held.
 */
export class HeaderHoldback {
  #held: DicomEvent[] | undefined = [];
  /** Held events before this index own their bytes (see `own`). */
  #owned = 0;
  #bytes = 0;
  #depth = 0;
  #capture: { tag: Tag; parts: Uint8Array[] } | undefined;
  readonly facts: HeaderFacts = { patientId: "", tags: new Set() };

  /** True while events are still being held. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Holds an event; returns all held events (this one last) once the header is complete. */
  add(ev: DicomEvent): DicomEvent[] | undefined {
    const held = this.#held!;
    held.push(ev);
    if (this.#depth === 0 && ev.kind !== "value" && "tag" in ev && ev.tag >= PIXEL_DATA) {
      return this.release();
    }
    this.#observe(ev);
    this.#bytes += HELD_EVENT_COST;
    return this.#bytes > HOLDBACK_LIMIT ? this.release() : undefined;
  }

  /**
   * Copies the bytes of value events held since the last call, so they outlive the input
   * chunk (the codec's buffer contract). Called at the end of each push while holding: a
   * small file that completes within one push is never copied at all.
   */
  own(): void {
    const held = this.#held;
    if (!held) return;
    for (let i = this.#owned; i < held.length; i++) {
      const ev = held[i];
      if (ev.kind === "value") held[i] = { ...ev, bytes: ev.bytes.slice() };
    }
    this.#owned = held.length;
  }

  /** Ends holding; returns what was held. */
  release(): DicomEvent[] {
    const held = this.#held ?? [];
    this.#held = undefined;
    return held;
  }

  #observe(ev: DicomEvent): void {
    switch (ev.kind) {
      case "element":
        this.facts.tags.add(ev.tag);
        this.#capture = this.#depth === 0 && (ev.tag === 0x00100020 || ev.tag === 0x00020002)
          ? { tag: ev.tag, parts: [] }
          : undefined;
        return;
      case "value":
        this.#bytes += ev.bytes.length;
        if (this.#capture) {
          this.#capture.parts.push(ev.bytes.slice());
          if (ev.last) this.#captured(this.#capture);
        }
        return;
      case "sequenceStart":
      case "pixelSequenceStart":
        this.facts.tags.add(ev.tag);
        this.#depth++;
        return;
      case "sequenceEnd":
        this.#depth--;
        return;
    }
  }

  #captured({ tag, parts }: { tag: Tag; parts: Uint8Array[] }): void {
    const text = new TextDecoder("latin1").decode(concat(parts));
    if (tag === 0x00100020) this.facts.patientId = trimUid(text).trim();
    else this.facts.sopClass = trimUid(text);
    this.#capture = undefined;
  }
}
