import { type DicomEvent, type MetaEndEvent, UNDEFINED_LENGTH } from "./events.ts";
import {
  EXPLICIT_LE,
  IMPLICIT_LE,
  type LevelEncoding,
  writeTag,
  writeU16,
  writeU32,
} from "./header.ts";
import { DicomParseError } from "./errors.ts";
import { FileMeta } from "./file_meta.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { groupOf, ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, type Tag } from "./tag.ts";
import { hasLongLength, type Vr } from "./vr.ts";

/** Directory Record offsets (PS3.3 §F.3): they must keep pointing at their records. */
const DICOMDIR_OFFSET_TAGS = new Set([0x00041200, 0x00041202, 0x00041400, 0x00041410, 0x00041420]);

interface OpenFrame {
  /** Encoding of the headers inside this frame. */
  readonly enc: LevelEncoding;
  /** True when the frame was written with undefined length, so it needs a delimiter. */
  readonly delimited: boolean;
}

/**
 * Synchronous encoder: {@link DicomEvent}s in, Part 10 bytes out (PS3.10 §7, PS3.5 §7).
 * Always writes a preamble, `DICM` and a File Meta group with a recomputed (0002,0000);
 * sequences and items get undefined length, so nothing needs back-patching and output can
 * stream; retired dataset group lengths (gggg,0000) are dropped. DICOMDIR is the exception:
 * lengths are kept as found and record offsets shifted by the change in File Meta size.
 * The dataset keeps the transfer syntax announced by `metaEnd`.
 */
export class DicomEncoder {
  #buf = new OutputBuffer();
  #meta = new FileMeta();
  #preamble: Uint8Array | undefined;
  #stack: OpenFrame[] = [];
  #dataset: LevelEncoding = EXPLICIT_LE;
  #inMeta = true;
  #dicomdir = false;
  #offsetDelta = 0;
  /** Bytes still expected for the current value, and whether they are being dropped. */
  #valueLeft = 0;
  #dropValue = false;
  #gatherOffset: number[] | undefined;
  /** Dataset output held back until File Meta can be completed (inputs without File Meta). */
  #held: DicomEvent[] | undefined;
  #heldEnd: MetaEndEvent | undefined;
  #depth = 0;
  /** Open starts of a dropped subtree (a File Meta sequence found in the dataset). */
  #skip = 0;

  /** Encodes a batch of events; returns the bytes ready so far. */
  push(events: readonly DicomEvent[]): Uint8Array[] {
    for (const ev of events) this.#event(ev);
    // Small writes wait in a 64 KiB block (copies, so no input view is kept); large values
    // pass by reference at once, so a big upload's output still flows while it arrives.
    return this.#buf.take();
  }

  /**
   * True when the next bytes of the value now being written would go out exactly as they come:
   * a dataset value that is neither dropped, nor held before File Meta, nor a DICOMDIR offset,
   * into an output that is not deflated. `remaining` is what the parser still expects of the
   * value: a stage that changed the value would leave the two counts apart, so they must agree.
   * See DicomPipeline.bypass.
   */
  bypassable(remaining: number): boolean {
    return !this.#inMeta && !this.#held && this.#skip === 0 && !this.#dicomdir &&
      !this.#dropValue && !this.#gatherOffset && this.#valueLeft === remaining &&
      !this.#buf.deflating;
  }

  /**
   * Accounts for `n` (≥ 0) bytes of the current value that the caller copies to the output
   * itself; returns every byte that must precede them (the caller writes those first).
   */
  bypass(n: number): Uint8Array[] {
    if (!this.bypassable(this.#valueLeft) || n < 0 || n >= this.#valueLeft) {
      throw new TypeError("DicomEncoder: bypass outside a value that goes out unchanged");
    }
    this.#valueLeft -= n;
    return this.#buf.skip(n);
  }

  /** Ends the output; throws if the events stopped in the middle of a value or sequence. */
  finish(): Uint8Array[] {
    if (this.#held) this.#release();
    if (this.#inMeta) throw new TypeError("DicomEncoder: input ended before metaEnd");
    if (this.#valueLeft > 0 || this.#stack.length > 0) {
      throw new TypeError("DicomEncoder: input ended inside a value or sequence");
    }
    return this.#buf.end();
  }

  #event(ev: DicomEvent): void {
    if (this.#held) {
      this.#hold(ev);
      return;
    }
    if (this.#skip > 0) {
      const kind = ev.kind;
      if (kind === "sequenceStart" || kind === "pixelSequenceStart" || kind === "itemStart") {
        this.#skip++;
      } else if (kind === "sequenceEnd" || kind === "itemEnd") this.#skip--;
      return;
    }
    if (this.#dicomdir && "offset" in ev && ev.kind !== "metaEnd" && ev.offset >= 0) {
      // A DICOMDIR keeps its defined lengths and record offsets, so every header must land
      // where it was, shifted by the File Meta change. A header that changed size (an unknown
      // VR re-labelled as a long one) or a dropped redundant delimiter would break both
      // (fuzzing found such outputs unreadable): refuse instead of writing a broken file.
      if (this.#buf.written !== ev.offset + this.#offsetDelta) {
        throw new DicomParseError(
          "DICOMDIR element moves when rewritten",
          ev.offset,
          "tag" in ev ? ev.tag : undefined,
        );
      }
    }
    switch (ev.kind) {
      case "preamble":
        this.#preamble = ev.bytes;
        return;
      case "metaEnd":
        return this.#metaEnd(ev);
      case "element":
        if (this.#inMeta) return this.#meta.element(ev.tag, ev.vr, ev.length);
        return this.#element(ev.tag, ev.vr, ev.length);
      case "value":
        if (this.#inMeta) return this.#meta.value(ev.bytes);
        return this.#value(ev.bytes);
      case "sequenceStart":
        if (this.#isMetaInDataset(ev.tag)) {
          this.#skip = 1;
          return;
        }
        return this.#sequenceStart(ev.tag, ev.vr, ev.length);
      case "itemStart":
        return this.#itemStart(ev.length);
      case "itemEnd":
        return this.#end(ITEM_DELIMITATION);
      case "sequenceEnd":
        return this.#end(SEQUENCE_DELIMITATION);
      case "pixelSequenceStart":
        if (this.#isMetaInDataset(ev.tag)) {
          this.#skip = 1;
          return;
        }
        this.#header(ev.tag, ev.vr, UNDEFINED_LENGTH);
        this.#stack.push({ enc: this.#enc(), delimited: true });
        return;
      case "fragment":
        this.#marker(ITEM, ev.length);
        this.#valueLeft = ev.length;
        this.#dropValue = false;
        return;
    }
  }

  #metaEnd(ev: MetaEndEvent): void {
    this.#dataset = { explicitVr: ev.encoding.explicitVr, littleEndian: ev.encoding.littleEndian };
    this.#meta.setTransferSyntax(ev.encoding.transferSyntax);
    if (!this.#meta.complete) {
      // Media Storage SOP Class/Instance UIDs come from (0008,0016)/(0008,0018), later on.
      this.#held = [];
      this.#heldEnd = ev;
      return;
    }
    this.#writeMeta(ev);
  }

  #writeMeta(ev: MetaEndEvent): void {
    this.#inMeta = false;
    this.#dicomdir = this.#meta.isDicomdir;
    const prefix = new Uint8Array(132);
    if (this.#preamble) prefix.set(this.#preamble.subarray(0, 128));
    prefix.set([0x44, 0x49, 0x43, 0x4d], 128);
    this.#buf.write(prefix);
    const meta = this.#meta.encode();
    this.#buf.write(meta);
    this.#offsetDelta = 132 + meta.length - ev.offset;
    if (ev.encoding.deflated) this.#startDeflate(ev.offset);
  }

  #startDeflate(offset: number): void {
    if (this.#dicomdir) {
      // Bad input, not a bad call (fuzzing found this a TypeError): media profiles keep the
      // DICOMDIR in Explicit VR Little Endian (PS3.11), and its record offsets point into it.
      throw new DicomParseError("DICOMDIR cannot be deflated", offset);
    }
    this.#buf.startDeflate();
  }

  /** Holds events (bounded: File Meta completes by group 0008) and watches for the UIDs. */
  #hold(ev: DicomEvent): void {
    // Held across pushes: own the bytes (the input buffer may be refilled meanwhile).
    this.#held!.push(ev.kind === "value" ? { ...ev, bytes: ev.bytes.slice() } : ev);
    if (ev.kind === "element" || ev.kind === "sequenceStart" || ev.kind === "pixelSequenceStart") {
      if (this.#depth === 0 && ev.tag > 0x00080018) return this.#release();
    }
    this.#meta.watchDataset(ev, this.#depth);
    if (ev.kind === "sequenceStart" || ev.kind === "pixelSequenceStart") this.#depth++;
    if (ev.kind === "sequenceEnd") this.#depth--;
    if (this.#held!.length > 4096) this.#release();
  }

  #release(): void {
    const held = this.#held!;
    this.#held = undefined;
    this.#depth = 0;
    this.#writeMeta(this.#heldEnd!);
    for (const ev of held) this.#event(ev);
  }

  /**
   * A File Meta (group 0002) attribute at the top of the dataset, where a damaged header puts
   * them: dropped, because a reader would take them for File Meta and disagree with us about
   * the transfer syntax and UIDs (fuzzing: outputs that read back differently, even as
   * deflated).
   */
  #isMetaInDataset(tag: Tag): boolean {
    return this.#stack.length === 0 && groupOf(tag) === 0x0002;
  }

  #enc(): LevelEncoding {
    return this.#stack.at(-1)?.enc ?? this.#dataset;
  }

  #element(tag: Tag, vr: Vr, length: number): void {
    if (this.#valueLeft > 0) throw new TypeError("DicomEncoder: element inside a value");
    this.#valueLeft = length;
    this.#gatherOffset = undefined;
    this.#dropValue = (!this.#dicomdir && (tag & 0xffff) === 0 && groupOf(tag) !== 0x0002) ||
      this.#isMetaInDataset(tag);
    if (this.#dropValue) return;
    if (this.#dicomdir && DICOMDIR_OFFSET_TAGS.has(tag) && length === 4) this.#gatherOffset = [];
    this.#header(tag, vr, length);
  }

  #value(bytes: Uint8Array): void {
    if (bytes.length > this.#valueLeft) {
      throw new TypeError("DicomEncoder: value longer than its element's length");
    }
    this.#valueLeft -= bytes.length;
    if (this.#dropValue) return;
    if (this.#gatherOffset) {
      this.#gatherOffset.push(...bytes);
      if (this.#valueLeft === 0) this.#writeShiftedOffset(this.#gatherOffset);
      return;
    }
    this.#buf.write(bytes);
  }

  #writeShiftedOffset(raw: number[]): void {
    const le = this.#enc().littleEndian;
    const b = Uint8Array.from(raw);
    const view = new DataView(b.buffer);
    const old = view.getUint32(0, le);
    // Offset 0 means "no such record" and stays 0 (PS3.3 §F.3.2.1).
    if (old !== 0) view.setUint32(0, old + this.#offsetDelta, le);
    this.#gatherOffset = undefined;
    this.#buf.write(b);
  }

  #sequenceStart(tag: Tag, vr: "SQ" | "UN", length: number): void {
    const keep = this.#dicomdir && length !== UNDEFINED_LENGTH;
    this.#header(tag, vr, keep ? length : UNDEFINED_LENGTH);
    const inner = vr === "UN" ? IMPLICIT_LE : this.#enc();
    this.#stack.push({ enc: inner, delimited: !keep });
  }

  #itemStart(length: number): void {
    const keep = this.#dicomdir && length !== UNDEFINED_LENGTH;
    this.#marker(ITEM, keep ? length : UNDEFINED_LENGTH);
    this.#stack.push({ enc: this.#enc(), delimited: !keep });
  }

  #end(delimiter: Tag): void {
    const frame = this.#stack.pop();
    if (!frame) throw new TypeError("DicomEncoder: end without a start");
    if (frame.delimited) {
      const b = this.#buf.reserve(8);
      writeTag(b, 0, delimiter, frame.enc.littleEndian);
      writeU32(b, 4, 0, frame.enc.littleEndian);
    }
  }

  #marker(t: Tag, length: number): void {
    const b = this.#buf.reserve(8);
    const le = this.#enc().littleEndian;
    writeTag(b, 0, t, le);
    writeU32(b, 4, length, le);
  }

  /** Writes an element header in the current level's encoding (PS3.5 §7.1.1–7.1.3). */
  #header(tag: Tag, vr: Vr, length: number): void {
    const enc = this.#enc();
    const le = enc.littleEndian;
    if (!enc.explicitVr) {
      const b = this.#buf.reserve(8);
      writeTag(b, 0, tag, le);
      writeU32(b, 4, length, le);
      return;
    }
    // A short-length VR cannot carry more than 65535 bytes; UN can (PS3.5 §6.2.2).
    const outVr: Vr = !hasLongLength(vr) && length > 0xffff ? "UN" : vr;
    const long = hasLongLength(outVr);
    const b = this.#buf.reserve(long ? 12 : 8);
    writeTag(b, 0, tag, le);
    b[4] = outVr.charCodeAt(0);
    b[5] = outVr.charCodeAt(1);
    if (long) {
      b[6] = b[7] = 0; // reserved (PS3.5 §7.1.2)
      writeU32(b, 8, length, le);
    } else {
      writeU16(b, 6, length, le);
    }
  }
}
