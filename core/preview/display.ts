/**
 * Display values. Grayscale: Modality LUT (Rescale Slope/Intercept), then the VOI LUT, then
 * MONOCHROME1 inverted. With a window in the file, the LINEAR function of PS3.3
 * §C.11.2.1.2.1 is applied to every source pixel before the box filter ({@link voiOf}), as a
 * viewer shows the full image (a thin bright line stays bright once clipped); without one, the
 * frame's full-resolution minimum to maximum (what DCMTK and dcmjs-imaging use) maps the cell
 * means — a linear map, so before or after averaging is the same. Colour: RGB scaled from Bits
 * Stored to 8 bits, YBR_FULL converted to RGB (PS3.3 §C.7.6.3.1.2).
 */
import type { ImageHeader, Photometric } from "./header.ts";

/** An 8-bit image: 1 (grayscale) or 3 (RGB) bytes per pixel. */
export interface DisplayImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** Full-resolution range of the stored values, for grayscale frames without a window. */
export interface StoredRange {
  readonly min: number;
  readonly max: number;
}

/** Maps box-filter means of the first frame to display values. */
export function toDisplay(
  means: Float64Array,
  width: number,
  height: number,
  h: ImageHeader,
  photometric: Photometric,
  range: StoredRange,
): DisplayImage {
  if (photometric === "PALETTE COLOR") {
    return { width, height, channels: 3, pixels: Uint8Array.from(means, round8) };
  }
  if (photometric === "RGB" || photometric === "YBR_FULL") {
    const scale = 255 / (2 ** h.bitsStored - 1);
    const rgb = new Uint8Array(means.length);
    for (let i = 0; i < means.length; i += 3) {
      const [r, g, b] = photometric === "RGB"
        ? [means[i], means[i + 1], means[i + 2]]
        : ybrToRgb(means[i] * scale, means[i + 1] * scale, means[i + 2] * scale);
      const s = photometric === "RGB" ? scale : 1;
      rgb[i] = round8(r * s);
      rgb[i + 1] = round8(g * s);
      rgb[i + 2] = round8(b * s);
    }
    return { width, height, channels: 3, pixels: rgb };
  }
  const modality = (v: number) => v * h.rescaleSlope + h.rescaleIntercept;
  // Windowed frames arrive already mapped to 0–255 (see voiOf).
  const map = h.window ? (x: number) => x : minMax(modality(range.min), modality(range.max));
  const invert = photometric === "MONOCHROME1";
  const gray = new Uint8Array(means.length);
  for (let i = 0; i < means.length; i++) {
    const y = round8(map(h.window ? means[i] : modality(means[i])));
    gray[i] = invert ? 255 - y : y;
  }
  return { width, height, channels: 1, pixels: gray };
}

/** Stored value → 0–255 through Modality LUT and window, for grayscale frames with a window. */
export function voiOf(
  h: ImageHeader,
  photometric: Photometric,
): ((v: number) => number) | undefined {
  if (!h.window || !photometric.startsWith("MONOCHROME")) return undefined;
  const window = linearWindow(h.window.center, h.window.width);
  const slope = h.rescaleSlope, intercept = h.rescaleIntercept;
  return (v) => window(v * slope + intercept);
}

/** PS3.3 §C.11.2.1.2.1 LINEAR, output range 0–255 (width 1 is a threshold at c − ½). */
export function linearWindow(c: number, w: number): (x: number) => number {
  const low = c - 0.5 - (w - 1) / 2, high = c - 0.5 + (w - 1) / 2;
  return (x) => x <= low ? 0 : x > high ? 255 : ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
}

/** `a`…`b` onto 0–255 (a negative slope swaps them; all 0 when they are equal). */
function minMax(a: number, b: number): (x: number) => number {
  const lo = Math.min(a, b), hi = Math.max(a, b);
  return hi > lo ? (x) => ((x - lo) / (hi - lo)) * 255 : () => 0;
}

/** YCbCr (full range, 8-bit) to RGB, PS3.3 §C.7.6.3.1.2. */
function ybrToRgb(y: number, cb: number, cr: number): [number, number, number] {
  return [
    y + 1.402 * (cr - 128),
    y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128),
    y + 1.772 * (cb - 128),
  ];
}

/** Rounds half up and clamps to 0–255. */
function round8(v: number): number {
  const r = Math.floor(v + 0.5);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}
