/**
 * Compressed first frames: dcmjs-imaging's WebAssembly codecs (JPEG, JPEG-LS, JPEG 2000,
 * HTJ2K, JPEG XL, RLE) decode and window the frame — given only the header attributes and the
 * frame's bytes, never a whole file, so dcmjs never parses a dataset — and the result is
 * box-filtered like a native frame. Deflated Image Frame is inflated here, as it streams.
 */
import { Inflate } from "fflate";
import { BoxGrid, previewSize } from "./box.ts";
import type { DisplayImage } from "./display.ts";
import { PreviewUnavailableError } from "./errors.ts";
import type { ImageHeader } from "./header.ts";
import { jpegLsIsPlanar } from "./jpeg_ls.ts";
import type { NativeFrame } from "./native_frame.ts";
import { transferSyntaxName } from "./transfer_syntaxes.ts";

/** The part of dcmjs-imaging 0.2.5 used here (its default export; see its index.d.ts). */
interface DcmjsImaging {
  DicomImage: new (elements: Record<string, unknown>, transferSyntaxUid: string) => {
    render(opts: { frame: number }): { width: number; height: number; pixels: ArrayBuffer };
  };
  NativePixelDecoder: { initializeAsync(): Promise<void> };
  log: { setLevel(level: string): void };
}

let library: Promise<DcmjsImaging> | undefined;
/** Deflate input per push: at most ~1000× this comes out at once (a "bomb" stays small). */
const INFLATE_STEP = 16 * 1024;

/** Loads the decoder once, on first use (4 MB of WebAssembly the server otherwise never needs). */
function dcmjsImaging(): Promise<DcmjsImaging> {
  library ??= (async () => {
    const mod = await import("dcmjs-imaging");
    const lib = ((mod as { default?: unknown }).default ?? mod) as DcmjsImaging;
    lib.log.setLevel("silent"); // its messages may quote attribute values
    await lib.NativePixelDecoder.initializeAsync();
    return lib;
  })();
  library.catch(() => (library = undefined));
  return library;
}

/** Decodes and windows frame 1, then box-filters it to at most `maxSize` on its longer side. */
export async function decodeCompressed(
  h: ImageHeader,
  transferSyntax: string,
  frame: Uint8Array,
  maxSize: number,
  maxPixels: number,
): Promise<DisplayImage> {
  const name = transferSyntaxName(transferSyntax);
  if (h.rows * h.columns > maxPixels) {
    throw new PreviewUnavailableError(`compressed (${name}) frame over ${maxPixels} pixels`);
  }
  let lib: DcmjsImaging;
  try {
    lib = await dcmjsImaging();
  } catch {
    throw new PreviewUnavailableError(`compressed (${name}), the decoder could not be loaded`);
  }
  let rendered: { width: number; height: number; pixels: ArrayBuffer };
  try {
    const image = new lib.DicomImage(elementsOf(h, transferSyntax, frame), transferSyntax);
    rendered = image.render({ frame: 0 });
  } catch {
    // Never the library's message: it can quote attribute values.
    throw new PreviewUnavailableError(`compressed (${name}), the first frame could not be decoded`);
  }
  const { width: w, height: hgt } = rendered;
  const rgba = new Uint8Array(rendered.pixels);
  if (w !== h.columns || hgt !== h.rows || rgba.length < w * hgt * 4) {
    throw new PreviewUnavailableError(`compressed (${name}) frame does not match Rows/Columns`);
  }
  const gray = h.photometric.startsWith("MONOCHROME");
  const channels = gray ? 1 : 3;
  const [width, height] = previewSize(hgt, w, maxSize);
  const grid = new BoxGrid(hgt, w, width, height, channels);
  for (let y = 0; y < hgt; y++) {
    const rowBase = grid.rowBase[y];
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 4, cell = rowBase + grid.colCell[x];
      for (let k = 0; k < channels; k++) grid.sums[cell + k] += rgba[at + k];
    }
  }
  const pixels = Uint8Array.from(grid.means(), (v) => Math.min(255, Math.floor(v + 0.5)));
  return { width, height, channels, pixels };
}

/** Inflates a Deflated Image Frame (PS3.5 §A.4.11) into `frame`, never past the frame's size. */
export function inflateFrame(bytes: Uint8Array, frame: NativeFrame): void {
  let failed = false;
  const inflater = new Inflate((data) => {
    if (!frame.done) frame.push(data);
  });
  try {
    for (let at = 0; at < bytes.length && !frame.done; at += INFLATE_STEP) {
      inflater.push(bytes.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= bytes.length);
    }
  } catch {
    failed = true;
  }
  if (failed || !frame.done) {
    throw new PreviewUnavailableError(
      "compressed (Deflated Image Frame), the first frame could not be inflated",
    );
  }
}

/** The naturalized attributes dcmjs-imaging reads (PS3.3 §C.7.6.3, §C.11.2). */
function elementsOf(h: ImageHeader, ts: string, frame: Uint8Array): Record<string, unknown> {
  const jpegLs = ts === "1.2.840.10008.1.2.4.80" || ts === "1.2.840.10008.1.2.4.81";
  const planar = jpegLs ? jpegLsIsPlanar(frame) : !h.interleaved;
  return {
    Rows: h.rows,
    Columns: h.columns,
    BitsAllocated: h.bitsAllocated,
    BitsStored: h.bitsStored,
    HighBit: h.bitsStored - 1,
    PixelRepresentation: h.signed ? 1 : 0,
    SamplesPerPixel: h.samplesPerPixel,
    PhotometricInterpretation: h.photometric,
    PlanarConfiguration: planar ? 1 : 0,
    NumberOfFrames: 1,
    RescaleSlope: h.rescaleSlope,
    RescaleIntercept: h.rescaleIntercept,
    ...(h.window ? { WindowCenter: h.window.center, WindowWidth: h.window.width } : {}),
    PixelData: [frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)],
  };
}
