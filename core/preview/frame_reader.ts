/**
 * Reads a DICOM stream only as far as its first frame: parser events go to the header
 * collector until the top-level Pixel Data, whose first frame then streams into a
 * {@link NativeFrame} (native) or is gathered as fragments (encapsulated). `push()` says when
 * to stop reading, so a 1 GiB multi-frame costs its header and one frame.
 */
import { DicomParseError } from "../dicom/errors.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { DicomParser } from "../dicom/parser.ts";
import { PIXEL_DATA } from "../dicom/tag.ts";
import { previewSize } from "./box.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { voiOf } from "./display.ts";
import { FirstFragments } from "./fragments.ts";
import { HeaderCollector } from "./header_collector.ts";
import {
  checkNative,
  type ImageHeader,
  imageHeaderOf,
  nativeFrameBytes,
  type Photometric,
} from "./header.ts";
import { NativeFrame } from "./native_frame.ts";
import { decodable, DEFLATED_IMAGE_FRAME, transferSyntaxName } from "./transfer_syntaxes.ts";

/** Limits of one read. */
export interface FrameReaderLimits {
  /** Longest side of the preview. */
  readonly maxSize: number;
  /** Bytes read before Pixel Data must start (default 64 MiB). */
  readonly maxHeaderBytes?: number;
  /** Largest compressed first frame gathered (default 64 MiB). */
  readonly maxCompressedFrame?: number;
}

/** What was read: a frame already summed into the preview grid, or compressed bytes. */
export type FirstFrame =
  | { kind: "native"; header: ImageHeader; photometric: Photometric; frame: NativeFrame }
  | { kind: "encapsulated"; header: ImageHeader; transferSyntax: string; bytes: Uint8Array };

const FLOAT_PIXEL_DATA = new Set([0x7fe00008, 0x7fe00009]);

/** Push bytes until `push()` returns true (or the input ends), then take `result()`. */
export class FirstFrameReader {
  readonly #limits: FrameReaderLimits;
  readonly #parser = new DicomParser({ maxShortValue: 1024 * 1024 });
  readonly #header = new HeaderCollector();
  #transferSyntax = "";
  #littleEndian = true;
  #bytesIn = 0;
  #native?: Extract<FirstFrame, { kind: "native" }>;
  #encapsulated?: { header: ImageHeader; fragments: FirstFragments };
  #done = false;

  constructor(limits: FrameReaderLimits) {
    this.#limits = limits;
  }

  /** Feeds input; true once the first frame is complete and reading can stop. */
  push(chunk: Uint8Array): boolean {
    if (this.#done) return true;
    this.#bytesIn += chunk.length;
    const pixels = this.#native ?? this.#encapsulated;
    const maxHeader = this.#limits.maxHeaderBytes ?? 64 * 1024 * 1024;
    if (!pixels && this.#bytesIn > maxHeader) {
      throw new PreviewUnavailableError(
        `no Pixel Data (7FE0,0010) in the first ${maxHeader} bytes`,
      );
    }
    this.#events(guard(() => this.#parser.push(chunk)));
    return this.#done;
  }

  /** The first frame, once `push()` returned true or the input ended. */
  result(): FirstFrame {
    if (!this.#done) this.#events(guard(() => this.#parser.finish()));
    if (this.#encapsulated) {
      this.#encapsulated.fragments.end();
      const { header, fragments } = this.#encapsulated;
      return {
        kind: "encapsulated",
        header,
        transferSyntax: this.#transferSyntax,
        bytes: fragments.frame(),
      };
    }
    if (this.#native?.frame.done) return this.#native;
    if (this.#native) {
      throw new PreviewUnavailableError("Pixel Data (7FE0,0010) shorter than one frame");
    }
    throw new PreviewUnavailableError("no Pixel Data (7FE0,0010)");
  }

  #events(events: DicomEvent[]): void {
    for (const ev of events) {
      if (this.#done) return;
      if (this.#native) {
        if (ev.kind === "value") this.#native.frame.push(ev.bytes);
        this.#done = this.#native.frame.done;
        continue;
      }
      if (this.#encapsulated) {
        const f = this.#encapsulated.fragments;
        if (ev.kind === "fragment") f.fragment(ev.length);
        else if (ev.kind === "value") f.value(ev.bytes);
        else if (ev.kind === "sequenceEnd") f.end();
        this.#done = f.done;
        continue;
      }
      if (ev.kind === "metaEnd") {
        this.#transferSyntax = ev.encoding.transferSyntax;
        this.#littleEndian = ev.encoding.littleEndian;
        this.#header.littleEndian = ev.encoding.littleEndian;
      }
      const top = this.#header.depth === 0;
      if (top && ev.kind === "element" && ev.tag === PIXEL_DATA) {
        this.#startNative(ev.length, ev.vr);
      } else if (top && ev.kind === "pixelSequenceStart") this.#startEncapsulated();
      else if (top && ev.kind === "element" && FLOAT_PIXEL_DATA.has(ev.tag)) {
        throw new PreviewUnavailableError("float Pixel Data (7FE0,0008/0009)");
      } else this.#header.consume(ev);
    }
  }

  #headerNow(): ImageHeader {
    return imageHeaderOf(this.#header.result(), this.#littleEndian);
  }

  #startNative(length: number, vr: string): void {
    const header = this.#headerNow();
    const photometric = checkNative(header, this.#header.result().segmentedPalette);
    const frameBytes = nativeFrameBytes(header);
    const swapPairs = !this.#littleEndian && vr === "OW" && header.bitsAllocated <= 8;
    if (length < frameBytes) {
      throw new PreviewUnavailableError("Pixel Data (7FE0,0010) shorter than one frame");
    }
    const [width, height] = previewSize(header.rows, header.columns, this.#limits.maxSize);
    const voi = voiOf(header, photometric);
    const frame = new NativeFrame(header, {
      photometric,
      width,
      height,
      frameBytes,
      swapPairs,
      voi,
    });
    this.#native = { kind: "native", header, photometric, frame };
  }

  #startEncapsulated(): void {
    const header = this.#headerNow();
    const ts = this.#transferSyntax;
    if (ts === DEFLATED_IMAGE_FRAME) checkNative(header, this.#header.result().segmentedPalette);
    else if (!decodable(ts)) {
      throw new PreviewUnavailableError(`compressed (${transferSyntaxName(ts)}), no decoder here`);
    }
    const limit = this.#limits.maxCompressedFrame ?? 64 * 1024 * 1024;
    this.#encapsulated = {
      header,
      fragments: new FirstFragments(header.numberOfFrames, ts, limit),
    };
  }
}

/** Parse errors become "no preview" reasons (their messages carry tag and offset only). */
function guard(parse: () => DicomEvent[]): DicomEvent[] {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DicomParseError) {
      throw new PreviewUnavailableError(`unreadable: ${err.message}`);
    }
    throw err;
  }
}
