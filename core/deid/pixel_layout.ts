/**
 * Where the pixels of native (uncompressed) Pixel Data lie (PS3.5 §8.1–8.2, PS3.3 §C.7.6.3):
 * frames one after another, each a run of "lines" (rows, or with Planar Configuration 1 the
 * rows of each colour plane in turn). Geometry is in bits so that packed 1-bit images and
 * byte-aligned ones share one code path.
 */
import type { PixelFacts } from "./pixel_facts.ts";
import type { PixelRectangle } from "./pixel_rules.ts";

/** The geometry of one file's native Pixel Data. */
export interface PixelLayout {
  readonly rows: number;
  /** Bits per line; lines follow each other without padding, also across frames. */
  readonly lineBits: number;
  /** Lines per frame: rows × samples with Planar Configuration 1, else rows. */
  readonly linesPerFrame: number;
  /** Infinity when (0028,0008) is absent: the value's length decides. */
  readonly frames: number;
  /** Bit span [from, to) of a line that one image column range covers, per column. */
  readonly columnBits: (x0: number, x1: number) => readonly [number, number];
  /**
   * Explicit VR Big Endian OW with 8 or fewer bits allocated: each 16-bit word is stored with
   * its bytes swapped, so logical byte i is stored at i ^ 1 (PS3.5 §8.1.1, §7.3).
   */
  readonly swapBytes: boolean;
}

/** Photometric interpretations whose native layout shares two chroma samples per pixel pair. */
const SUBSAMPLED = new Set(["YBR_FULL_422", "YBR_PARTIAL_422"]);

/** The layout of a file's native pixels, or why they cannot be cleaned (a message, no value). */
export function pixelLayout(facts: PixelFacts): PixelLayout | string {
  const { rows, columns, bitsAllocated: bits } = facts;
  const samples = facts.samplesPerPixel ?? 1;
  const planar = samples > 1 && facts.planarConfiguration === 1;
  if (!rows || !columns || !bits) return "Rows, Columns or Bits Allocated missing";
  if (bits !== 1 && bits % 8 !== 0) return `Bits Allocated ${bits} is not 1 or a multiple of 8`;
  if (samples < 1 || samples > 4) return `Samples per Pixel ${samples} is not 1 to 4`;
  if (bits === 1 && samples !== 1) return "Bits Allocated 1 with more than one sample";
  const framesText = (facts.frames ?? "").trim();
  if (framesText && (!/^\+?\d{1,9}$/.test(framesText) || Number(framesText) < 1)) {
    return "Number of Frames is not a positive whole number";
  }
  const subsampled = SUBSAMPLED.has((facts.photometric ?? "").trim().toUpperCase());
  if (subsampled && (samples !== 3 || planar || bits !== 8)) {
    return "subsampled YBR layout other than 8-bit interleaved";
  }
  const swapBytes = !facts.littleEndian && facts.pixelVr === "OW" && bits <= 8;
  const sample = bits;
  let columnBits: PixelLayout["columnBits"];
  let lineBits: number;
  if (subsampled) {
    // Y Y Cb Cr per pair of pixels (PS3.3 §C.7.6.3.1.2): blank whole pairs.
    const pair = 4 * sample;
    lineBits = Math.ceil(columns / 2) * pair;
    columnBits = (x0, x1) => [Math.floor(x0 / 2) * pair, Math.ceil(x1 / 2) * pair];
  } else {
    const pixel = planar ? sample : samples * sample;
    lineBits = columns * pixel;
    columnBits = (x0, x1) => [x0 * pixel, x1 * pixel];
  }
  return {
    rows,
    lineBits,
    linesPerFrame: planar ? rows * samples : rows,
    // Without Number of Frames, every frame the value holds: a frame past the first that a
    // damaged header does not announce must not keep its text.
    frames: framesText ? Number(framesText) : Infinity,
    columnBits,
    swapBytes,
  };
}

/**
 * For each image row, the merged bit spans of a line that the rectangles cover (clipped to
 * the image; a rectangle wholly outside it covers nothing). Rows no rectangle touches are
 * undefined.
 */
export function rowSpans(
  layout: PixelLayout,
  columns: number,
  rectangles: readonly PixelRectangle[],
): (readonly (readonly [number, number])[] | undefined)[] {
  const spans: [number, number][][] = [];
  for (const [x, y, w, h] of rectangles) {
    const x0 = Math.min(x, columns), x1 = Math.min(x + w, columns);
    const y1 = Math.min(y + h, layout.rows);
    if (x1 <= x0) continue;
    for (let row = y; row < y1; row++) (spans[row] ??= []).push([...layout.columnBits(x0, x1)]);
  }
  return Array.from({ length: layout.rows }, (_, row) => spans[row] && merge(spans[row]));
}

function merge(spans: [number, number][]): [number, number][] {
  spans.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}
