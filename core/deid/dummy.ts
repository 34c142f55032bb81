/**
 * Dummy values for PS3.15 action D: "replace with a non-zero length value that may be a dummy
 * value and consistent with the VR" (PS3.15 Table E.1-1, key to actions).
 *
 * The text values follow the reference tool KitwareMedical/dicom-anonymizer where it has one
 * (DA, TM, DT, LO/SH/PN, IS), so outputs compare with it; the others are the smallest value that
 * is valid for the VR (PS3.5 Table 6.2-1). All are plain ASCII, so they are valid under every
 * Specific Character Set, including ISO 2022 ones, without encoding.
 */
import type { Vr } from "../dicom/vr.ts";
import { isTextVr } from "../dicom/vr.ts";

/** Text dummies by VR; each fits the VR's repertoire and maximum length (PS3.5 Table 6.2-1). */
const TEXT_DUMMY: Readonly<Partial<Record<Vr, string>>> = {
  // Kitware writes "Anonymized" for AE and CS too, but CS allows only upper case, digits,
  // space and underscore; upper case is valid for both.
  AE: "ANONYMIZED",
  CS: "ANONYMIZED",
  AS: "000Y",
  // Kitware writes 00010101; dicom3tools rejects year 0001 as an invalid DA, so 1900 it is.
  DA: "19000101",
  DS: "0",
  DT: "19000101000000.000000+0000",
  IS: "0",
  LO: "Anonymized",
  LT: "Anonymized",
  PN: "Anonymized",
  SH: "Anonymized",
  ST: "Anonymized",
  TM: "000000.00",
  UC: "Anonymized",
  // UR must be an RFC 3986 URI (PS3.5 §6.2); the nil UUID URN (RFC 9562 §5.9) is a registered,
  // well-formed URN that points at nothing.
  UR: "urn:uuid:00000000-0000-0000-0000-000000000000",
  UT: "Anonymized",
};

/** Binary dummies: total byte length and the width of one word, for byte order (PS3.5 §7.3). */
const BINARY_DUMMY: Readonly<Partial<Record<Vr, readonly [bytes: number, word: number]>>> = {
  AT: [4, 2], // a tag is two 16-bit words, group then element
  FD: [8, 8],
  FL: [4, 4],
  OB: [2, 1], // one byte would be odd; two keep the length even (PS3.5 §7.1.1)
  OD: [8, 8],
  OF: [4, 4],
  OL: [4, 4],
  OV: [8, 8],
  OW: [2, 2],
  SL: [4, 4],
  SS: [2, 2],
  SV: [8, 8],
  UL: [4, 4],
  UN: [2, 1],
  US: [2, 2],
  UV: [8, 8],
};

const encoder = new TextEncoder();
const TEXT_BYTES = new Map<Vr, Uint8Array>();

/**
 * The value written for action D (PS3.15 Annex E) on an element of this VR, padded to even
 * length (PS3.5 §6.2). Binary VRs get one zero of the VR's size in the given byte order (+0.0
 * for floats). UI is mapped by `mapUid`, never dummied, and SQ has no value: both throw.
 */
export function dummyValue(vr: Vr, littleEndian: boolean): Uint8Array {
  const text = TEXT_DUMMY[vr];
  if (text !== undefined) {
    // Encoded once per VR; a copy each time, so no caller can alter the next file's dummy.
    let bytes = TEXT_BYTES.get(vr);
    if (!bytes) TEXT_BYTES.set(vr, bytes = padToEven(encoder.encode(text), vr));
    return bytes.slice();
  }
  const binary = BINARY_DUMMY[vr];
  if (binary === undefined) {
    throw new TypeError(`No dummy value for VR ${vr}: UIDs are mapped and sequences have items`);
  }
  const [length, word] = binary;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  for (let at = 0; at < length; at += word) {
    if (word === 8) view.setBigUint64(at, 0n, littleEndian);
    else if (word === 4) view.setUint32(at, 0, littleEndian);
    else if (word === 2) view.setUint16(at, 0, littleEndian);
    else view.setUint8(at, 0);
  }
  return out;
}

/**
 * Pads a value to even length as PS3.5 §6.2 and §7.1.1 require: UI with NUL, other text VRs with
 * a trailing space, binary VRs (OB, UN) with a zero byte. Even input is returned as is.
 */
export function padToEven(bytes: Uint8Array, vr: Vr): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = vr === "UI" || !isTextVr(vr) ? 0x00 : 0x20;
  return out;
}
