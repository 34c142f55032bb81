/**
 * One preview, start to end: read a DICOM file up to the end of its first frame, turn the
 * frame into display values and encode a PNG. Bounded in memory (the preview grid, or one
 * compressed frame) and in time (a deadline checked between reads; the worker that runs this
 * in the server is also terminated past it, see runner.ts).
 */
import { previewSize } from "./box.ts";
import { decodeCompressed, inflateFrame } from "./compressed.ts";
import { type DisplayImage, toDisplay, voiOf } from "./display.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { type FirstFrame, FirstFrameReader, type FrameReaderLimits } from "./frame_reader.ts";
import { checkNative, nativeFrameBytes } from "./header.ts";
import { NativeFrame } from "./native_frame.ts";
import { encodePng } from "./png.ts";
import { DEFLATED_IMAGE_FRAME } from "./transfer_syntaxes.ts";

/** Limits of one rendering. */
export interface RenderOptions extends FrameReaderLimits {
  /** `Date.now()` after which rendering stops with a "took too long" reason. */
  readonly deadline?: number;
  /** Largest compressed frame handed to the decoder, in pixels (default 25 million). */
  readonly maxDecodePixels?: number;
}

/** Read size: large reads keep per-chunk overhead low (TOOLCHAIN §7). */
const READ_BUFFER = 1024 * 1024;

/** The first frame of a DICOM stream as an 8-bit image; throws PreviewUnavailableError. */
export async function renderFirstFrame(
  input: AsyncIterable<Uint8Array>,
  opts: RenderOptions,
): Promise<DisplayImage> {
  const reader = new FirstFrameReader(opts);
  for await (const chunk of input) {
    checkDeadline(opts.deadline);
    if (reader.push(chunk)) break;
  }
  checkDeadline(opts.deadline);
  return await displayOf(reader.result(), opts);
}

/** The PNG preview of the DICOM file at `path`. */
export async function renderPreviewFile(path: string, opts: RenderOptions): Promise<Uint8Array> {
  const file = await Deno.open(path);
  try {
    const image = await renderFirstFrame(readChunks(file), opts);
    return encodePng(image.pixels, image.width, image.height, image.channels);
  } finally {
    file.close();
  }
}

async function displayOf(first: FirstFrame, opts: RenderOptions): Promise<DisplayImage> {
  if (first.kind === "native") {
    const g = first.frame.grid;
    return toDisplay(g.means(), g.width, g.height, first.header, first.photometric, first.frame);
  }
  const h = first.header;
  if (first.transferSyntax === DEFLATED_IMAGE_FRAME) {
    const photometric = checkNative(h);
    const [width, height] = previewSize(h.rows, h.columns, opts.maxSize);
    const frame = new NativeFrame(h, {
      photometric,
      width,
      height,
      frameBytes: nativeFrameBytes(h),
      swapPairs: false,
      voi: voiOf(h, photometric),
    });
    inflateFrame(first.bytes, frame);
    return toDisplay(frame.grid.means(), width, height, h, photometric, frame);
  }
  const maxPixels = opts.maxDecodePixels ?? 25_000_000;
  return await decodeCompressed(h, first.transferSyntax, first.bytes, opts.maxSize, maxPixels);
}

function checkDeadline(deadline: number | undefined): void {
  if (deadline !== undefined && Date.now() > deadline) {
    throw new PreviewUnavailableError("rendering took longer than its time limit", false);
  }
}

/** File contents in 1 MiB reads into one reused buffer (the parser copies what it keeps). */
async function* readChunks(file: Deno.FsFile): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(READ_BUFFER);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) return;
    yield buffer.subarray(0, n);
  }
}
