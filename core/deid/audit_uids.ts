/**
 * Collects the distinct UID values of an input, at any depth (File Meta included), for the
 * manifest's `inputUids`: a verifier later checks that none of them survived into the output.
 * Runs as a pass-through stage before de-identification, only when an audit is asked for.
 */
import { vrOf } from "../dicom/dictionary.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { latin1String } from "../dicom/latin1.ts";
import type { DicomEventStage } from "../dicom/streams.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";

/** Most distinct UIDs kept per file: a real file has tens; a hostile one could have millions. */
export const MAX_INPUT_UIDS = 10_000;
/** UI values longer than this are not read (64 characters per UID, PS3.5 §6.2; VM n allowed). */
const MAX_UI_BYTES = 64 * 1024;
/** UIDs the standard defines (SOP classes, transfer syntaxes): public and never mapped. */
const STANDARD_ROOT = "1.2.840.10008.";

/** A DicomEventStage that passes events through and remembers every UID value it sees. */
export class AuditUidStage implements DicomEventStage {
  readonly #uids = new Set<string>();
  #truncated = 0;
  /** Copies of the current UI value's bytes (the parser's views live until the next push). */
  #parts: Uint8Array[] | undefined;

  push(events: DicomEvent[]): DicomEvent[] {
    for (const ev of events) {
      if (ev.kind === "element") {
        const vr = ev.vr === "UN" ? vrOf(ev.tag) : ev.vr;
        this.#parts = vr === "UI" && ev.length > 0 && ev.length <= MAX_UI_BYTES ? [] : undefined;
      } else if (ev.kind === "value" && this.#parts) {
        this.#parts.push(ev.bytes.slice());
        if (ev.last) this.#take(this.#parts.splice(0));
      } else if (ev.kind !== "value") {
        this.#parts = undefined;
      }
    }
    return events;
  }

  finish(): DicomEvent[] {
    return [];
  }

  /** The distinct non-standard UIDs seen, sorted, and how many values the cap left out. */
  result(): { values: string[]; truncated: number } {
    return { values: [...this.#uids].sort(), truncated: this.#truncated };
  }

  #take(parts: Uint8Array[]): void {
    this.#parts = undefined;
    const text = parts.map(latin1String).join("");
    // Padding off both ends of each value, as a verifier reading the output will trim it.
    for (const raw of text.split("\\")) {
      const uid = trimPadding(raw, true);
      if (uid === "" || uid.startsWith(STANDARD_ROOT) || this.#uids.has(uid)) continue;
      if (this.#uids.size < MAX_INPUT_UIDS) this.#uids.add(uid);
      else this.#truncated++;
    }
  }
}
