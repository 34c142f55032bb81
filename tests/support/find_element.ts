/**
 * Test-only scanner: the raw values of one tag in an Explicit VR Little Endian Part 10 file,
 * found independently of the project's parser so charset tests do not rest on it (PS3.5 §7.1.2).
 */
import type { Tag } from "../../core/dicom/tag.ts";

/** VRs with 2 reserved bytes and a 32-bit length in Explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set([
  "OB",
  "OD",
  "OF",
  "OL",
  "OV",
  "OW",
  "SQ",
  "SV",
  "UC",
  "UN",
  "UR",
  "UT",
  "UV",
]);
const PIXEL_DATA = 0x7fe00010;
const UNDEFINED = 0xffffffff;

/**
 * Every value of `target`, depth-first in file order, inside sequence items too (PS3.5 §7.5).
 * Stops at Pixel Data, whose encapsulated fragments are not elements.
 */
export function findElements(file: Uint8Array, target: Tag): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const found: Uint8Array[] = [];
  // 128-byte preamble and "DICM"; the File Meta group is Explicit VR LE as well.
  let at = 132;
  while (at + 8 <= file.length) {
    const tag = view.getUint16(at, true) * 0x10000 + view.getUint16(at + 2, true);
    if (tag === PIXEL_DATA) break;
    if (view.getUint16(at, true) === 0xfffe) {
      // Item and delimiters have no VR; step into items rather than over them.
      at += 8;
      continue;
    }
    const vr = String.fromCharCode(file[at + 4], file[at + 5]);
    const long = LONG_VRS.has(vr);
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    at += long ? 12 : 8;
    if (vr === "SQ") continue; // its items follow, whatever the length
    if (length === UNDEFINED) throw new RangeError(`undefined length ${vr} not supported`);
    if (tag === target) found.push(file.subarray(at, at + length));
    at += length;
  }
  return found;
}

/** The first value of `target` in the file, or undefined. */
export function findElement(file: Uint8Array, target: Tag): Uint8Array | undefined {
  return findElements(file, target)[0];
}
