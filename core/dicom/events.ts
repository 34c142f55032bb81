import type { Tag } from "./tag.ts";
import type { Vr } from "./vr.ts";

/** Value length 0xFFFFFFFF: the element, sequence or item ends with a delimiter (PS3.5 §7.5). */
export const UNDEFINED_LENGTH = 0xffffffff;

/** How a dataset is encoded on the wire, as named by a transfer syntax (PS3.5 §10). */
export interface Encoding {
  /** Transfer Syntax UID. */
  readonly transferSyntax: string;
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** Deflated Explicit VR Little Endian: the dataset bytes are raw-deflated. */
  readonly deflated: boolean;
}

/**
 * One step of a parsed DICOM stream. Offsets are byte offsets of the header in the (inflated)
 * input stream, so errors and reports can name a position without naming a value.
 *
 * Order: `preamble`? then File Meta `element`/`value` events (group 0002), then `metaEnd`, then
 * the dataset. Every `element` of length L > 0 is followed by `value` events whose bytes add up
 * to L, the last one with `last: true`; length 0 has no `value` event. `sequenceStart` …
 * `sequenceEnd` and `itemStart` … `itemEnd` are emitted for defined and undefined lengths
 * alike. Encapsulated Pixel Data is `pixelSequenceStart`, then one `fragment` per item (each
 * followed by its `value` events), then `sequenceEnd`.
 */
export type DicomEvent =
  | PreambleEvent
  | ElementEvent
  | ValueEvent
  | SequenceStartEvent
  | ItemStartEvent
  | ItemEndEvent
  | SequenceEndEvent
  | PixelSequenceStartEvent
  | FragmentEvent
  | MetaEndEvent;

/** The 128-byte preamble of a Part 10 file (PS3.10 §7.1); absent when the input had none. */
export interface PreambleEvent {
  readonly kind: "preamble";
  readonly bytes: Uint8Array;
}

/** A data element header; its value follows as `value` events. */
export interface ElementEvent {
  readonly kind: "element";
  readonly tag: Tag;
  readonly vr: Vr;
  /** Value length in bytes (never undefined: those become sequence events). */
  readonly length: number;
  readonly offset: number;
}

/** A piece of the current element's or fragment's value, zero-copy from the input. */
export interface ValueEvent {
  readonly kind: "value";
  readonly bytes: Uint8Array;
  /** True on the chunk that completes the value. */
  readonly last: boolean;
}

/** Start of a sequence: an SQ, or a UN of undefined length read as Implicit VR LE (PS3.5 §6.2.2). */
export interface SequenceStartEvent {
  readonly kind: "sequenceStart";
  readonly tag: Tag;
  readonly vr: "SQ" | "UN";
  /** Length as found in the input (may be UNDEFINED_LENGTH). */
  readonly length: number;
  readonly offset: number;
}

/** Start of an item of a sequence. */
export interface ItemStartEvent {
  readonly kind: "itemStart";
  /** Length as found in the input (may be UNDEFINED_LENGTH). */
  readonly length: number;
  readonly offset: number;
}

/** End of the current item (after its delimiter, or when its defined length is used up). */
export interface ItemEndEvent {
  readonly kind: "itemEnd";
}

/** End of the current sequence or encapsulated Pixel Data. */
export interface SequenceEndEvent {
  readonly kind: "sequenceEnd";
}

/** Start of encapsulated Pixel Data (PS3.5 §A.4): fragments follow. */
export interface PixelSequenceStartEvent {
  readonly kind: "pixelSequenceStart";
  readonly tag: Tag;
  readonly vr: "OB" | "OW" | "UN";
  readonly offset: number;
}

/** One item of encapsulated Pixel Data (the first is the Basic Offset Table); value events follow. */
export interface FragmentEvent {
  readonly kind: "fragment";
  readonly length: number;
  readonly offset: number;
}

/** End of File Meta Information: the dataset that follows uses this encoding. */
export interface MetaEndEvent {
  readonly kind: "metaEnd";
  readonly encoding: Encoding;
  /** True when the input had a File Meta group (group 0002 elements). */
  readonly hadMeta: boolean;
  /** Offset of the first dataset byte in the input. */
  readonly offset: number;
}
