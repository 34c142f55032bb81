/**
 * Synthetic images for the Clean Pixel Data tests: a small Part 10 file with a known pixel
 * pattern, and an independent per-pixel model of which stored bits a rectangle covers (one
 * pixel at a time, by the standard's formulas, sharing no code with core/deid/pixel_*.ts).
 */
import { explicit, implicit, part10, u16 } from "../fixtures/build.ts";
import { concat } from "../../core/dicom/file_meta.ts";
import type { Vr } from "../../core/dicom/vr.ts";

/** How a synthetic image is laid out and encoded. */
export interface ImageSpec {
  rows: number;
  columns: number;
  frames?: number;
  bitsAllocated: 1 | 8 | 16 | 32;
  samplesPerPixel?: 1 | 3;
  planar?: 0 | 1;
  photometric?: string;
  /** Transfer syntax: Explicit VR LE (default), Implicit VR LE or Explicit VR BE. */
  syntax?: "explicit-le" | "implicit-le" | "explicit-be";
  pixelVr?: "OB" | "OW";
  modality?: string;
  burnedIn?: string;
  sopClass?: string;
}

const SYNTAX = {
  "explicit-le": "1.2.840.10008.1.2.1",
  "implicit-le": "1.2.840.10008.1.2",
  "explicit-be": "1.2.840.10008.1.2.2",
};

/** Bytes of the Pixel Data value (without padding) for a spec. */
export function pixelBytes(spec: ImageSpec): number {
  // YBR_*_422: two luminance and two chroma samples per pair of pixels.
  const perPixel = /_422$/.test(spec.photometric ?? "") ? 2 : spec.samplesPerPixel ?? 1;
  const samples = perPixel * spec.rows * spec.columns * (spec.frames ?? 1);
  return Math.ceil(samples * spec.bitsAllocated / 8);
}

/** A deterministic pattern with no zero byte, so any blanked byte shows. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 1 + ((x >>> 16) % 255);
  }
  return out;
}

/** The whole file for `spec` with `pixels` as Pixel Data (padded to even length). */
export function buildImage(spec: ImageSpec, pixels: Uint8Array): Uint8Array {
  const syntax = spec.syntax ?? "explicit-le";
  const le = syntax !== "explicit-be";
  const el = (tag: number, vr: Vr, value: string | Uint8Array) =>
    syntax === "implicit-le" ? implicit(tag, value) : explicit(tag, vr, value, le);
  const text = (s: string) => (s.length % 2 ? s + " " : s);
  const uid = (s: string) => (s.length % 2 ? s + "\0" : s);
  const padded = pixels.length % 2 ? concat([pixels, new Uint8Array(1)]) : pixels;
  const samples = spec.samplesPerPixel ?? 1;
  return part10(
    SYNTAX[syntax],
    el(0x00080016, "UI", uid(spec.sopClass ?? "1.2.840.10008.5.1.4.1.1.7")),
    el(0x00080018, "UI", uid("1.2.3.4.5.6")),
    el(0x00080060, "CS", text(spec.modality ?? "OT")),
    el(0x00080070, "LO", text("ACME Imaging")),
    el(0x00100010, "PN", text("Doe^Jane")),
    el(0x00280002, "US", u16(samples, le)),
    el(0x00280004, "CS", text(spec.photometric ?? (samples === 3 ? "RGB" : "MONOCHROME2"))),
    ...(samples > 1 ? [el(0x00280006, "US", u16(spec.planar ?? 0, le))] : []),
    ...(spec.frames ? [el(0x00280008, "IS", text(String(spec.frames)))] : []),
    el(0x00280010, "US", u16(spec.rows, le)),
    el(0x00280011, "US", u16(spec.columns, le)),
    el(0x00280100, "US", u16(spec.bitsAllocated, le)),
    el(0x00280101, "US", u16(spec.bitsAllocated, le)),
    el(0x00280102, "US", u16(spec.bitsAllocated - 1, le)),
    el(0x00280103, "US", u16(0, le)),
    ...(spec.burnedIn ? [el(0x00280301, "CS", text(spec.burnedIn))] : []),
    el(0x7fe00010, spec.pixelVr ?? (spec.bitsAllocated > 8 ? "OW" : "OB"), padded),
  );
}

/**
 * The Pixel Data a correct cleaner writes: every stored bit of every sample of every pixel
 * inside a rectangle cleared, all else as it was. Pixel (x, y) of frame f, sample s is found
 * by PS3.5 §8 / PS3.3 §C.7.6.3.1.3 directly.
 */
export function expectedPixels(
  spec: ImageSpec,
  original: Uint8Array,
  rects: readonly (readonly [number, number, number, number])[],
): Uint8Array {
  const out = original.slice();
  const { rows, columns, bitsAllocated: bits } = spec;
  const samples = spec.samplesPerPixel ?? 1;
  const frames = spec.frames ?? 1;
  const swap = spec.syntax === "explicit-be" &&
    (spec.pixelVr ?? (bits > 8 ? "OW" : "OB")) === "OW" &&
    bits <= 8;
  const subsampled = /_422$/.test(spec.photometric ?? "");
  const inside = (x: number, y: number) =>
    rects.some(([rx, ry, w, h]) => x >= rx && x < rx + w && y >= ry && y < ry + h);
  const clearBit = (bit: number) => {
    const byte = Math.floor(bit / 8);
    out[swap ? byte ^ 1 : byte] &= ~(1 << (bit % 8));
  };
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const pairX = subsampled ? x - (x % 2) : x;
        if (!(inside(x, y) || (subsampled && (inside(pairX, y) || inside(pairX + 1, y))))) {
          continue;
        }
        for (let s = 0; s < samples; s++) {
          const index = sampleIndex(spec, f, x, y, s, subsampled);
          if (index === undefined) continue;
          for (let b = 0; b < bits; b++) clearBit(index * bits + b);
        }
      }
    }
  }
  return out;
}

/** Index of a sample in the value (in units of Bits Allocated). */
function sampleIndex(
  spec: ImageSpec,
  f: number,
  x: number,
  y: number,
  s: number,
  subsampled: boolean,
): number | undefined {
  const { rows, columns } = spec;
  const samples = spec.samplesPerPixel ?? 1;
  if (subsampled) {
    // Y0 Y1 Cb Cr per pair: pixel x has its own Y and shares the pair's Cb, Cr.
    const pair = f * rows * columns * 2 + y * columns * 2 + (x - (x % 2)) * 2;
    return s === 0 ? pair + (x % 2) : s === 1 ? pair + 2 : pair + 3;
  }
  const frame = f * rows * columns * samples;
  if (spec.planar === 1 && samples > 1) return frame + s * rows * columns + y * columns + x;
  return frame + (y * columns + x) * samples + s;
}
