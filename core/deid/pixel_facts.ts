import { decodeText, parseSpecificCharacterSet } from "../dicom/charset.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { concat } from "../dicom/file_meta.ts";
import { PIXEL_DATA, type Tag } from "../dicom/tag.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import type { Vr } from "../dicom/vr.ts";

/** Burned In Annotation (0028,0301), PS3.3 §C.7.6.1.1.7. */
export const BURNED_IN_ANNOTATION = 0x00280301;

/** Top-level text attributes the burned-in guard and the pixel rules read. */
const TEXT_TAGS: Record<number, keyof PixelTexts> = {
  0x00020002: "mediaSopClass",
  0x00080016: "sopClass",
  0x00080060: "modality",
  0x00080070: "manufacturer",
  0x00081090: "model",
  0x00280004: "photometric",
  0x00280008: "frames",
  0x00280301: "burnedIn",
};
/** Top-level US attributes of the Image Pixel module (PS3.3 §C.7.6.3). */
const NUMBER_TAGS: Record<number, keyof PixelNumbers> = {
  0x00280002: "samplesPerPixel",
  0x00280006: "planarConfiguration",
  0x00280010: "rows",
  0x00280011: "columns",
  0x00280100: "bitsAllocated",
};
/** Longest value captured: these are short strings; anything longer is damaged and ignored. */
const MAX_CAPTURE = 1024;

/** Text values, trimmed of padding (never logged: Manufacturer may name a site). */
export interface PixelTexts {
  mediaSopClass?: string;
  sopClass?: string;
  modality?: string;
  manufacturer?: string;
  model?: string;
  photometric?: string;
  frames?: string;
  burnedIn?: string;
}

/** The Image Pixel module's numbers. */
export interface PixelNumbers {
  samplesPerPixel?: number;
  planarConfiguration?: number;
  rows?: number;
  columns?: number;
  bitsAllocated?: number;
}

/** What the original header says about the pixels, gathered before anything is written. */
export interface PixelFacts extends PixelTexts, PixelNumbers {
  transferSyntax?: string;
  littleEndian: boolean;
  /** How top-level Pixel Data (7FE0,0010) is stored, once it has started. */
  pixelData?: "native" | "encapsulated";
  /** VR of native Pixel Data (OB or OW): with Big Endian, OW words of 8-bit pixels are swapped. */
  pixelVr?: string;
  /** True once the header passed (0028,0301) or ended: every fact above is final. */
  complete: boolean;
}

/**
 * Records, from the original events of the held header (the de-identification stage feeds it
 * as `headerObserver`), the top-level attributes that decide the burned-in guard and the Clean
 * Pixel Data rules — before a profile or user rule changes them. Holds a few short values.
 */
export class PixelFactsProbe {
  readonly facts: PixelFacts = { littleEndian: true, complete: false };
  #depth = 0;
  #inMeta = true;
  #charsets: string[] = [];
  #capture: { tag: Tag; vr: Vr; parts: Uint8Array[] } | undefined;

  /** One more event of the header, in stream order. */
  observe(ev: DicomEvent): void {
    this.#observe(ev);
  }

  /** The input ended while the header was still held: every fact is final. */
  end(): void {
    this.facts.complete = true;
  }

  #observe(ev: DicomEvent): void {
    switch (ev.kind) {
      case "metaEnd":
        this.#inMeta = false;
        this.facts.transferSyntax = ev.encoding.transferSyntax;
        this.facts.littleEndian = ev.encoding.littleEndian;
        return;
      case "element":
        this.#capture = undefined;
        if (this.#depth > 0) return;
        if (!this.#inMeta && ev.tag > BURNED_IN_ANNOTATION) this.facts.complete = true;
        if (ev.tag === PIXEL_DATA && !this.facts.pixelData) {
          this.facts.pixelData = "native";
          this.facts.pixelVr = ev.vr;
        }
        if (this.#wanted(ev.tag) && ev.length <= MAX_CAPTURE) {
          this.#capture = { tag: ev.tag, vr: ev.vr, parts: [] };
          if (ev.length === 0) this.#captured();
        }
        return;
      case "value":
        if (!this.#capture) return;
        this.#capture.parts.push(ev.bytes.slice());
        if (ev.last) this.#captured();
        return;
      case "sequenceStart":
      case "pixelSequenceStart":
        if (this.#depth === 0 && !this.#inMeta && ev.tag > BURNED_IN_ANNOTATION) {
          this.facts.complete = true;
        }
        if (this.#depth === 0 && ev.kind === "pixelSequenceStart" && ev.tag === PIXEL_DATA) {
          this.facts.pixelData ??= "encapsulated";
        }
        this.#depth++;
        return;
      case "sequenceEnd":
        this.#depth--;
        return;
    }
  }

  #wanted(tag: Tag): boolean {
    if (this.#inMeta) return tag === 0x00020002;
    return tag === 0x00080005 || tag in TEXT_TAGS || tag in NUMBER_TAGS;
  }

  #captured(): void {
    const { tag, vr, parts } = this.#capture!;
    this.#capture = undefined;
    const bytes = concat(parts);
    if (tag === 0x00080005) {
      this.#charsets = parseSpecificCharacterSet(new TextDecoder("latin1").decode(bytes));
      return;
    }
    const number = NUMBER_TAGS[tag];
    if (number) {
      // US (PS3.5 §6.2); a damaged header may say otherwise, so read by tag, not by VR.
      if (bytes.length >= 2) {
        this.facts[number] = new DataView(bytes.buffer, bytes.byteOffset, 2)
          .getUint16(0, this.facts.littleEndian);
      }
      return;
    }
    const text = vr === "LO" || vr === "SH"
      ? decodeText(bytes, this.#charsets, vr)
      : new TextDecoder("latin1").decode(bytes);
    this.facts[TEXT_TAGS[tag]] = trimPadding(text, true);
  }
}
