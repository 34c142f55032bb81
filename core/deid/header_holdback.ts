import type { DicomEvent } from "../dicom/events.ts";
import { concat } from "../dicom/file_meta.ts";
import { PIXEL_DATA, type Tag } from "../dicom/tag.ts";
import { trimUid } from "../dicom/transfer_syntax.ts";

/** Most header bytes held back before output starts, whatever comes (STYLE.md, lookahead). */
export const HOLDBACK_LIMIT = 1024 * 1024;

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
    // Held across pushes: own the bytes (the input buffer may be refilled meanwhile).
    held.push(ev.kind === "value" ? { ...ev, bytes: ev.bytes.slice() } : ev);
    if (this.#depth === 0 && ev.kind !== "value" && "tag" in ev && ev.tag >= PIXEL_DATA) {
      return this.release();
    }
    this.#observe(ev);
    return this.#bytes > HOLDBACK_LIMIT ? this.release() : undefined;
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
    if (tag === 0x00100020) this.facts.patientId = text.replace(/[\0 ]+$/, "").trim();
    else this.facts.sopClass = trimUid(text);
    this.#capture = undefined;
  }
}
