/**
 * Names of the encapsulated transfer syntaxes (PS3.6 Table A-1) for "no preview" messages, and
 * which of them the bundled decoder (dcmjs-imaging's WebAssembly codecs) reads. A UID not in
 * the table is never echoed: the message says "unknown" instead.
 */

/** Deflated Image Frame Compression (PS3.5 §A.4.11): each frame raw-deflated, read here. */
export const DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1";
/** RLE Lossless (PS3.5 §A.4.2): one fragment per frame. */
export const RLE_LOSSLESS = "1.2.840.10008.1.2.5";

const JPEG = "1.2.840.10008.1.2.4.";
const NAMES: ReadonlyMap<string, string> = new Map([
  [`${JPEG}50`, "JPEG Baseline"],
  [`${JPEG}51`, "JPEG Extended"],
  [`${JPEG}57`, "JPEG Lossless"],
  [`${JPEG}70`, "JPEG Lossless SV1"],
  [`${JPEG}80`, "JPEG-LS Lossless"],
  [`${JPEG}81`, "JPEG-LS Near-Lossless"],
  [`${JPEG}90`, "JPEG 2000 Lossless"],
  [`${JPEG}91`, "JPEG 2000"],
  [`${JPEG}92`, "JPEG 2000 Part 2 Lossless"],
  [`${JPEG}93`, "JPEG 2000 Part 2"],
  [`${JPEG}94`, "JPIP Referenced"],
  [`${JPEG}95`, "JPIP Referenced Deflate"],
  [`${JPEG}100`, "MPEG2 Main Profile"],
  [`${JPEG}101`, "MPEG2 Main Profile High Level"],
  [`${JPEG}102`, "MPEG-4 AVC/H.264"],
  [`${JPEG}103`, "MPEG-4 AVC/H.264 BD"],
  [`${JPEG}104`, "MPEG-4 AVC/H.264 2D video"],
  [`${JPEG}105`, "MPEG-4 AVC/H.264 3D video"],
  [`${JPEG}106`, "MPEG-4 AVC/H.264 Stereo"],
  [`${JPEG}107`, "HEVC/H.265 Main"],
  [`${JPEG}108`, "HEVC/H.265 Main 10"],
  [`${JPEG}110`, "JPEG XL Lossless"],
  [`${JPEG}111`, "JPEG XL JPEG Recompression"],
  [`${JPEG}112`, "JPEG XL"],
  [`${JPEG}201`, "HTJ2K Lossless"],
  [`${JPEG}202`, "HTJ2K Lossless RPCL"],
  [`${JPEG}203`, "HTJ2K"],
  [RLE_LOSSLESS, "RLE Lossless"],
  [DEFLATED_IMAGE_FRAME, "Deflated Image Frame"],
]);

/** What dcmjs-imaging 0.2.5 decodes (its `constants.TransferSyntax`, measured on the corpus). */
const DECODABLE = new Set([
  ...["50", "51", "57", "70", "80", "81", "90", "91", "110", "111", "112", "201", "202", "203"]
    .map((n) => JPEG + n),
  RLE_LOSSLESS,
]);

/** The syntax's name, or "unknown" for a UID not in PS3.6. */
export function transferSyntaxName(uid: string): string {
  return NAMES.get(uid) ?? "unknown";
}

/** True when the bundled decoder reads this encapsulated syntax. */
export function decodable(uid: string): boolean {
  return DECODABLE.has(uid);
}
