/**
 * The first frame of encapsulated Pixel Data (PS3.5 §A.4), gathered from fragment events and
 * no further. Which fragments make frame 1: all of them in a single-frame image; else those
 * before the Basic Offset Table's second offset; without offsets, RLE and Deflated Image
 * Frame have one fragment per frame (§A.4.2, §A.4.11) and JPEG-family codestreams run until a
 * fragment starts with a new start-of-image marker (what pydicom and dcmjs do as well).
 */
import { concat } from "../dicom/file_meta.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { DEFLATED_IMAGE_FRAME, RLE_LOSSLESS } from "./transfer_syntaxes.ts";

/** Bytes of the Basic Offset Table read: 4 per frame; past this, the rest is ignored. */
const MAX_BOT = 64 * 1024;

/** Collects frame 1 of an encapsulated Pixel Data element, up to `limit` bytes. */
export class FirstFragments {
  readonly #frames: number;
  readonly #oneFragmentPerFrame: boolean;
  readonly #limit: number;
  #index = -1;
  #bot: Uint8Array[] = [];
  #botBytes = 0;
  /** Where frame 2 starts, relative to the first item after the offset table. */
  #boundary: number | undefined;
  /** Position of the current fragment's item header, relative to the same origin. */
  #position = 0;
  #parts: Uint8Array[] = [];
  #bytes = 0;
  /** The current fragment's first bytes, until its membership is decided. */
  #probe: Uint8Array[] = [];
  #probeBytes = 0;
  #deciding = false;
  #done = false;

  constructor(frames: number, transferSyntax: string, limit: number) {
    this.#frames = frames;
    this.#oneFragmentPerFrame = transferSyntax === RLE_LOSSLESS ||
      transferSyntax === DEFLATED_IMAGE_FRAME;
    this.#limit = limit;
  }

  /** True once frame 1 is complete (the next fragment belongs to frame 2, or the data ended). */
  get done(): boolean {
    return this.#done;
  }

  /** Starts the next item: the offset table first, then fragments. */
  fragment(length: number): void {
    if (this.#done) return;
    if (this.#probe.length) this.#keep(concat(this.#probe)); // a fragment under 2 bytes
    this.#probe = [];
    this.#probeBytes = 0;
    this.#index++;
    if (this.#index === 0) return;
    if (this.#index === 1) this.#boundary = this.#frames > 1 ? this.#offsetOfFrame2() : undefined;
    else {
      const full = this.#frames > 1 && (
        (this.#boundary !== undefined && this.#position >= this.#boundary) ||
        (this.#boundary === undefined && this.#oneFragmentPerFrame)
      );
      if (full) return void (this.#done = true);
    }
    this.#position += 8 + length;
    // Without offsets, a multi-frame fragment's first bytes tell whether a new frame starts.
    this.#deciding = this.#index > 1 && this.#frames > 1 && this.#boundary === undefined;
  }

  /** Bytes of the current item. */
  value(bytes: Uint8Array): void {
    if (this.#done) return;
    if (this.#index === 0) {
      if (this.#botBytes < MAX_BOT) this.#bot.push(bytes.slice());
      this.#botBytes += bytes.length;
      return;
    }
    if (this.#deciding) {
      this.#probe.push(bytes.slice());
      this.#probeBytes += bytes.length;
      if (this.#probeBytes < 2) return;
      const head = concat(this.#probe);
      this.#probe = [];
      this.#probeBytes = 0;
      this.#deciding = false;
      if (startsImage(head)) return void (this.#done = true);
      return this.#keep(head);
    }
    this.#keep(bytes.slice());
  }

  /** End of the Pixel Data element: whatever was gathered is frame 1. */
  end(): void {
    if (this.#probe.length) this.#keep(concat(this.#probe));
    this.#done = true;
  }

  /** The frame's bytes (fragments concatenated). */
  frame(): Uint8Array {
    if (this.#bytes === 0) {
      throw new PreviewUnavailableError("Pixel Data (7FE0,0010) has no fragment");
    }
    return concat(this.#parts);
  }

  #keep(bytes: Uint8Array): void {
    this.#bytes += bytes.length;
    if (this.#bytes > this.#limit) {
      throw new PreviewUnavailableError(`first frame larger than ${this.#limit} bytes`);
    }
    this.#parts.push(bytes);
  }

  #offsetOfFrame2(): number | undefined {
    const bot = concat(this.#bot);
    if (bot.length < 8) return undefined;
    const second = new DataView(bot.buffer, bot.byteOffset).getUint32(4, true);
    return second > 0 ? second : undefined;
  }
}

/** A JPEG/JPEG-LS SOI (FFD8), JPEG 2000/HTJ2K SOC (FF4F) or JPEG XL (FF0A) marker. */
function startsImage(b: Uint8Array): boolean {
  return b[0] === 0xff && (b[1] === 0xd8 || b[1] === 0x4f || b[1] === 0x0a);
}
