import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, type Tag } from "./tag.ts";
import { type Vr, VRS } from "./vr.ts";

/** How one nesting level is read: explicit or implicit VR, little or big endian (PS3.5 §7.1). */
export interface LevelEncoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
}

/** Implicit VR Little Endian: the encoding inside UN elements of undefined length (PS3.5 §6.2.2). */
export const IMPLICIT_LE: LevelEncoding = { explicitVr: false, littleEndian: true };
/** Explicit VR Little Endian: File Meta Information is always written so (PS3.10 §7.1). */
export const EXPLICIT_LE: LevelEncoding = { explicitVr: true, littleEndian: true };

/** Reads an unsigned 16-bit integer. */
export function readU16(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
}

/** Reads an unsigned 32-bit integer. */
export function readU32(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian
    ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000
    : b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

/** Reads a tag (group then element, each in the level's byte order). */
export function readTag(b: Uint8Array, at: number, littleEndian: boolean): Tag {
  return readU16(b, at, littleEndian) * 0x10000 + readU16(b, at + 2, littleEndian);
}

/** True for the three FFFE tags that are always followed by a plain 32-bit length. */
export function isDelimiterOrItem(t: Tag): boolean {
  return t === ITEM || t === ITEM_DELIMITATION || t === SEQUENCE_DELIMITATION;
}

/** Every VR by its two bytes as one number: a header's VR is found without making a string. */
const VR_BY_CODE: ReadonlyMap<number, Vr> = new Map(
  VRS.map((vr) => [vr.charCodeAt(0) * 256 + vr.charCodeAt(1), vr]),
);

/** The VR in bytes 4–5 of an explicit header, or undefined when they name no VR. */
export function explicitVrAt(b: Uint8Array, at: number): Vr | undefined {
  return VR_BY_CODE.get(b[at] * 256 + b[at + 1]);
}

/** Writes an unsigned 16-bit integer. */
export function writeU16(b: Uint8Array, at: number, v: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[at] = v & 0xff;
    b[at + 1] = (v >>> 8) & 0xff;
  } else {
    b[at] = (v >>> 8) & 0xff;
    b[at + 1] = v & 0xff;
  }
}

/** Writes an unsigned 32-bit integer. */
export function writeU32(b: Uint8Array, at: number, v: number, littleEndian: boolean): void {
  if (littleEndian) {
    writeU16(b, at, v & 0xffff, true);
    writeU16(b, at + 2, Math.floor(v / 0x10000), true);
  } else {
    writeU16(b, at, Math.floor(v / 0x10000), false);
    writeU16(b, at + 2, v & 0xffff, false);
  }
}

/** Writes a tag in the level's byte order. */
export function writeTag(b: Uint8Array, at: number, t: Tag, littleEndian: boolean): void {
  writeU16(b, at, Math.floor(t / 0x10000), littleEndian);
  writeU16(b, at + 2, t & 0xffff, littleEndian);
}
