/**
 * The few top-level UIDs a STOW-RS answer and its study check need — SOP Class (0008,0016),
 * SOP Instance (0008,0018) and Study Instance (0020,000D) — read by a throw-away parser that
 * stops as soon as the dataset has passed them. They precede Pixel Data, so this parses a few
 * KiB per instance, not the file. The values are identifiers: callers map or compare them and
 * never log them.
 */
import { DicomParser } from "../dicom/parser.ts";
import { latin1String } from "../dicom/latin1.ts";
import type { Tag } from "../dicom/tag.ts";
import { trimUid } from "../dicom/transfer_syntax.ts";

/** (0008,0016) SOP Class UID. */
export const SOP_CLASS_UID = 0x00080016;
/** (0008,0018) SOP Instance UID. */
export const SOP_INSTANCE_UID = 0x00080018;
/** (0020,000D) Study Instance UID. */
export const STUDY_INSTANCE_UID = 0x0020000d;

const WATCHED = new Set<Tag>([SOP_CLASS_UID, SOP_INSTANCE_UID, STUDY_INSTANCE_UID]);
const LAST = STUDY_INSTANCE_UID;
// A UI value is at most 64 bytes (PS3.5 §6.2); longer ones are not gathered.
const MAX_VALUE = 1024;
const READ_SIZE = 64 * 1024;

/** Top-level UIDs of one DICOM stream, fed chunk by chunk alongside the real pipeline. */
export class InstanceUids {
  readonly #parser = new DicomParser();
  readonly #values = new Map<Tag, string>();
  #depth = 0;
  #collecting: Tag | undefined;
  #pieces: Uint8Array[] = [];
  #state: "reading" | "passed" | "broken" = "reading";
  #fed = false;

  /** True once the watched range is behind (or the bytes did not parse): push no more. */
  get done(): boolean {
    return this.#state !== "reading";
  }

  /** True when the dataset went past (0020,000D): a value not found is absent from the file. */
  get passed(): boolean {
    return this.#state === "passed";
  }

  /** The trimmed value of a watched top-level UID, if seen. */
  get(tag: Tag): string | undefined {
    return this.#values.get(tag);
  }

  /** Feeds input bytes (ignored once done). Never throws: a broken file is the pipeline's to report. */
  push(chunk: Uint8Array): void {
    if (this.done) return;
    this.#fed ||= chunk.length > 0;
    try {
      this.#take(this.#parser.push(chunk));
    } catch {
      this.#state = "broken";
    }
  }

  /** Ends the input (a file with nothing after its UIDs passes here; an empty one does not). */
  finish(): void {
    if (this.done) return;
    if (!this.#fed) {
      this.#state = "broken";
      return;
    }
    try {
      this.#take(this.#parser.finish());
      this.#state = "passed";
    } catch {
      this.#state = "broken";
    }
  }

  #take(events: ReturnType<DicomParser["push"]>): void {
    for (const ev of events) {
      if (this.done) return;
      switch (ev.kind) {
        case "element":
          if (this.#depth > 0 || ev.tag >>> 16 === 0x0002) break;
          if (WATCHED.has(ev.tag) && ev.length <= MAX_VALUE) {
            if (ev.length === 0) this.#values.set(ev.tag, "");
            else this.#collecting = ev.tag;
          } else if (ev.tag > LAST) this.#state = "passed";
          break;
        case "value":
          if (this.#collecting === undefined) break;
          this.#pieces.push(ev.bytes.slice());
          if (ev.last) {
            let text = "";
            for (const p of this.#pieces) text += latin1String(p);
            this.#values.set(this.#collecting, trimUid(text));
            this.#collecting = undefined;
            this.#pieces = [];
          }
          break;
        case "sequenceStart":
        case "pixelSequenceStart":
          if (this.#depth === 0 && ev.tag > LAST) this.#state = "passed";
          this.#depth++;
          break;
        case "itemStart":
          this.#depth++;
          break;
        case "itemEnd":
        case "sequenceEnd":
          this.#depth--;
          break;
      }
    }
  }
}

/** The watched UIDs of a stored file, reading only as far as they go. */
export async function readInstanceUids(path: string): Promise<InstanceUids> {
  const uids = new InstanceUids();
  using file = await Deno.open(path);
  const buf = new Uint8Array(READ_SIZE);
  while (!uids.done) {
    const n = await file.read(buf);
    if (n === null) break;
    uids.push(buf.subarray(0, n));
  }
  uids.finish();
  return uids;
}
