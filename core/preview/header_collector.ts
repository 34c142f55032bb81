/**
 * Gathers the Image Pixel attributes from parser events, ignoring everything else. Rows,
 * Columns and the like count only at the top level (an Icon Image Sequence has its own); the
 * window and rescale may also come from an enhanced object's functional groups (PS3.3
 * §C.7.6.16: shared first, then the first frame's), the top level winning.
 */
import type { DicomEvent } from "../dicom/events.ts";
import { latin1String } from "../dicom/latin1.ts";
import { concat } from "../dicom/file_meta.ts";
import type { HeaderFields } from "./header.ts";

const SHARED_FG = 0x52009229, PER_FRAME_FG = 0x52009230;
const FRAME_VOI_LUT = 0x00289132, PIXEL_VALUE_TRANSFORMATION = 0x00289145;
/** Longest value gathered: LUT data holds at most 65536 16-bit entries. */
const MAX_VALUE = 128 * 1024 + 16;

type Field = keyof HeaderFields;
type Kind = "us" | "ds" | "is" | "cs" | "raw";
const TOP: ReadonlyMap<number, [Field, Kind, number?]> = new Map([
  [0x00280002, ["samplesPerPixel", "us"]],
  [0x00280004, ["photometric", "cs"]],
  [0x00280006, ["planarConfiguration", "us"]],
  [0x00280008, ["numberOfFrames", "is"]],
  [0x00280010, ["rows", "us"]],
  [0x00280011, ["columns", "us"]],
  [0x00280100, ["bitsAllocated", "us"]],
  [0x00280101, ["bitsStored", "us"]],
  [0x00280103, ["pixelRepresentation", "us"]],
  [0x00281101, ["paletteDescriptors", "raw", 0]],
  [0x00281102, ["paletteDescriptors", "raw", 1]],
  [0x00281103, ["paletteDescriptors", "raw", 2]],
  [0x00281201, ["paletteData", "raw", 0]],
  [0x00281202, ["paletteData", "raw", 1]],
  [0x00281203, ["paletteData", "raw", 2]],
  [0x00281221, ["segmentedPalette", "raw"]],
  [0x00281222, ["segmentedPalette", "raw"]],
  [0x00281223, ["segmentedPalette", "raw"]],
]);
/** Attributes also read inside functional groups. */
const VOI: ReadonlyMap<number, [Field, Kind]> = new Map([
  [0x00281050, ["windowCenter", "ds"]],
  [0x00281051, ["windowWidth", "ds"]],
  [0x00281052, ["rescaleIntercept", "ds"]],
  [0x00281053, ["rescaleSlope", "ds"]],
]);

/** Collects {@link HeaderFields} from the events before Pixel Data. */
export class HeaderCollector {
  readonly fields: HeaderFields = {};
  /** Window/rescale from functional groups, by source: 0 shared, 1 first per-frame item. */
  readonly #groups: Partial<HeaderFields>[] = [{}, {}];
  /** Open sequences and items: tag of each sequence and the index of its current item. */
  readonly #path: { tag: number; item: number }[] = [];
  #gathering?: { field: Field; kind: Kind; index?: number; into: Partial<HeaderFields> };
  #parts: Uint8Array[] = [];
  #littleEndian = true;

  /** Depth of nesting (0 at the top level). */
  get depth(): number {
    return this.#path.length;
  }

  /** Sets the byte order of numeric values (from the `metaEnd` event). */
  set littleEndian(le: boolean) {
    this.#littleEndian = le;
  }

  /** Feeds one event (File Meta events are ignored: group 0002 holds nothing wanted). */
  consume(ev: DicomEvent): void {
    switch (ev.kind) {
      case "element": {
        const target = this.#targetOf(ev.tag);
        if (!target || ev.length > MAX_VALUE) return;
        this.#gathering = target;
        this.#parts = [];
        if (ev.length === 0) this.#gathering = undefined;
        return;
      }
      case "value":
        if (!this.#gathering) return;
        this.#parts.push(ev.bytes.slice());
        if (ev.last) this.#store();
        return;
      case "sequenceStart":
      case "pixelSequenceStart":
        this.#path.push({ tag: ev.tag, item: -1 });
        return;
      case "itemStart":
        if (this.#path.length) this.#path.at(-1)!.item++;
        this.#path.push({ tag: 0, item: -1 });
        return;
      case "itemEnd":
      case "sequenceEnd":
        this.#path.pop();
        return;
    }
  }

  /** The fields, with functional-group values filling what the top level lacks. */
  result(): HeaderFields {
    return { ...this.#groups[1], ...this.#groups[0], ...this.fields };
  }

  #targetOf(tag: number) {
    const p = this.#path;
    if (p.length === 0) {
      const top = TOP.get(tag) ?? VOI.get(tag);
      return top && { field: top[0], kind: top[1], index: top[2], into: this.fields };
    }
    const voi = VOI.get(tag);
    // Path: FG sequence, its item, the VOI or transformation sequence, its first item.
    if (!voi || p.length !== 4 || p[2].item !== 0 || p[0].item !== 0) return undefined;
    if (p[2].tag !== FRAME_VOI_LUT && p[2].tag !== PIXEL_VALUE_TRANSFORMATION) return undefined;
    const source = p[0].tag === SHARED_FG ? 0 : p[0].tag === PER_FRAME_FG ? 1 : -1;
    return source < 0 ? undefined : { field: voi[0], kind: voi[1], into: this.#groups[source] };
  }

  #store(): void {
    const g = this.#gathering!;
    this.#gathering = undefined;
    const bytes = concat(this.#parts);
    const into = g.into as Record<string, unknown>;
    if (g.kind === "raw") {
      if (g.index === undefined) into[g.field] = true;
      else ((into[g.field] ??= []) as Uint8Array[])[g.index] = bytes;
      return;
    }
    if (g.kind === "us") {
      if (bytes.length < 2) return;
      into[g.field] = this.#littleEndian ? bytes[0] | (bytes[1] << 8) : (bytes[0] << 8) | bytes[1];
      return;
    }
    const text = latin1String(bytes).replace(/\0/g, " ");
    if (g.kind === "cs") into[g.field] = text.trim();
    else {
      // DS and IS: the first of possibly several backslash-separated values.
      const first = text.split("\\")[0].trim();
      if (first !== "" && Number.isFinite(Number(first))) into[g.field] = Number(first);
    }
  }
}
