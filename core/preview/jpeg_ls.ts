/**
 * JPEG-LS colour frames coded with interleave mode 0 (one scan per component, ITU-T T.87
 * §C.2.3) decode to planes, whatever DICOM's Planar Configuration says (PS3.5 §8.2.3 fixes it
 * at 0 for JPEG-LS). dcmjs-imaging 0.2.5 follows the attribute, so such frames came out as a
 * 3 × 3 mosaic (pydicom-data's JLSL_RGB_ILV0.dcm); the caller passes planar instead.
 */

const SOI = 0xd8, SOF55 = 0xf7, SOS = 0xda;

/** True when a JPEG-LS codestream has 3 components and its first scan holds only one. */
export function jpegLsIsPlanar(frame: Uint8Array): boolean {
  let components = 0;
  // Marker segments from SOI up to the first SOS: FF, marker, 16-bit big-endian length.
  for (let at = 0; at + 4 <= frame.length;) {
    if (frame[at] !== 0xff) return false;
    const marker = frame[at + 1];
    if (marker === SOI) {
      at += 2;
      continue;
    }
    const length = (frame[at + 2] << 8) | frame[at + 3];
    // SOF55: Lf P Y X Nf (T.87 §C.2.2) — Nf is the 8th byte after the marker's FF.
    if (marker === SOF55 && at + 9 < frame.length) components = frame[at + 9];
    // SOS: Ls Ns … (T.87 §C.2.3) — Ns follows the length.
    if (marker === SOS) return components === 3 && at + 4 < frame.length && frame[at + 4] === 1;
    if (length < 2) return false;
    at += 2 + length;
  }
  return false;
}
