/**
 * The Image Pixel attributes a preview needs (PS3.3 §C.7.6.3), checked against the preview's
 * limits before a single pixel is read, so a hostile header cannot ask for gigabytes.
 */
import { PreviewUnavailableError } from "./errors.ts";
import { type PaletteLut, paletteOf } from "./palette.ts";

/** Largest Rows or Columns accepted (16384: far above any radiograph or slide tile). */
export const MAX_DIMENSION = 16384;

/** Photometric interpretations the renderer maps to a display (PS3.3 §C.7.6.3.1.2). */
export type Photometric = "MONOCHROME1" | "MONOCHROME2" | "RGB" | "PALETTE COLOR" | "YBR_FULL";

/** Raw attribute values as gathered from the dataset (see header_collector.ts). */
export interface HeaderFields {
  rows?: number;
  columns?: number;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  samplesPerPixel?: number;
  photometric?: string;
  planarConfiguration?: number;
  numberOfFrames?: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Palette descriptors (0028,1101–1103) and data (0028,1201–1203), raw bytes. */
  paletteDescriptors?: (Uint8Array | undefined)[];
  paletteData?: (Uint8Array | undefined)[];
  /** A segmented palette (0028,1221–1223) was present: not supported. */
  segmentedPalette?: boolean;
}

/** Validated pixel description of the first frame. */
export interface ImageHeader {
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: 1 | 8 | 16 | 32;
  readonly bitsStored: number;
  readonly signed: boolean;
  readonly samplesPerPixel: 1 | 3;
  /** The photometric interpretation; compressed frames may also be YBR_* (decoder's job). */
  readonly photometric: string;
  /** True when the samples of a pixel follow each other (PlanarConfiguration 0). */
  readonly interleaved: boolean;
  readonly numberOfFrames: number;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  /** First Window Center/Width pair, when present and usable (width ≥ 1). */
  readonly window?: { readonly center: number; readonly width: number };
  readonly palette?: PaletteLut;
  readonly littleEndian: boolean;
}

const NATIVE_PHOTOMETRIC = new Set<string>([
  "MONOCHROME1",
  "MONOCHROME2",
  "RGB",
  "PALETTE COLOR",
  "YBR_FULL",
]);

/** Checks the gathered fields; throws {@link PreviewUnavailableError} naming the tag at fault. */
export function imageHeaderOf(f: HeaderFields, littleEndian: boolean): ImageHeader {
  const rows = f.rows ?? 0, columns = f.columns ?? 0;
  if (rows < 1 || columns < 1) throw unavailable("Rows (0028,0010) or Columns (0028,0011) is 0");
  if (rows > MAX_DIMENSION || columns > MAX_DIMENSION) {
    throw unavailable(`image larger than ${MAX_DIMENSION} × ${MAX_DIMENSION}`);
  }
  const bitsAllocated = f.bitsAllocated;
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw unavailable("unsupported Bits Allocated (0028,0100)");
  }
  const bitsStored = f.bitsStored ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw unavailable("Bits Stored (0028,0101) does not fit Bits Allocated");
  }
  const samplesPerPixel = f.samplesPerPixel ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw unavailable("unsupported Samples per Pixel (0028,0002)");
  }
  const photometric = (f.photometric ?? (samplesPerPixel === 3 ? "RGB" : "MONOCHROME2"))
    .trim();
  const frames = f.numberOfFrames ?? 1;
  const slope = f.rescaleSlope ?? 1;
  const usableWindow = f.windowCenter !== undefined && f.windowWidth !== undefined &&
    Number.isFinite(f.windowCenter) && Number.isFinite(f.windowWidth) && f.windowWidth >= 1;
  return {
    rows,
    columns,
    bitsAllocated,
    bitsStored,
    signed: f.pixelRepresentation === 1,
    samplesPerPixel,
    photometric,
    interleaved: (f.planarConfiguration ?? 0) === 0,
    numberOfFrames: Number.isInteger(frames) && frames >= 1 ? frames : 1,
    rescaleSlope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    rescaleIntercept: Number.isFinite(f.rescaleIntercept) ? f.rescaleIntercept! : 0,
    ...(usableWindow ? { window: { center: f.windowCenter!, width: f.windowWidth! } } : {}),
    ...(photometric === "PALETTE COLOR" && !f.segmentedPalette
      ? { palette: paletteOf(f.paletteDescriptors ?? [], f.paletteData ?? [], littleEndian) }
      : {}),
    littleEndian,
  };
}

/** Further checks for pixels this renderer reads itself (not through a decoder). */
export function checkNative(h: ImageHeader, segmentedPalette = false): Photometric {
  if (!NATIVE_PHOTOMETRIC.has(h.photometric)) {
    throw unavailable("unsupported Photometric Interpretation (0028,0004)");
  }
  const p = h.photometric as Photometric;
  const channels = p === "RGB" || p === "YBR_FULL" ? 3 : 1;
  if (h.samplesPerPixel !== channels) {
    throw unavailable("Samples per Pixel (0028,0002) does not fit the Photometric Interpretation");
  }
  if (p === "PALETTE COLOR" && (segmentedPalette || !h.palette)) {
    throw unavailable("segmented or missing palette (0028,1101–1203)");
  }
  if (h.bitsAllocated === 1 && channels !== 1) throw unavailable("1-bit colour pixels");
  return p;
}

/** Bytes of one native frame (PS3.5 §8.1.1; 1-bit frames are packed, PS3.5 §8.1.1 note). */
export function nativeFrameBytes(h: ImageHeader): number {
  const samples = h.rows * h.columns * h.samplesPerPixel;
  return h.bitsAllocated === 1 ? Math.ceil(samples / 8) : samples * (h.bitsAllocated / 8);
}

function unavailable(why: string): PreviewUnavailableError {
  return new PreviewUnavailableError(why);
}
