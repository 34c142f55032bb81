/**
 * DicomParser: bytes in, events out. This file reads the dataset (elements, items and
 * delimiters); the preamble and File Meta (parser_meta.ts), deflated input (inflater.ts) and
 * the nesting of sequences and items (frame_stack.ts) are read beside it.
 */
import { ByteQueue } from "./byte_queue.ts";
import { vrOf } from "./dictionary.ts";
import { DicomParseError } from "./errors.ts";
import { type DicomEvent, type Encoding, UNDEFINED_LENGTH } from "./events.ts";
import { FrameStack } from "./frame_stack.ts";
import {
  EXPLICIT_LE,
  explicitVrAt,
  IMPLICIT_LE,
  isDelimiterOrItem,
  type LevelEncoding,
  readTag,
  readU16,
  readU32,
} from "./header.ts";
import { BatchedInflater } from "./inflater.ts";
import { FileMetaReader } from "./parser_meta.ts";
import {
  formatTag,
  groupOf,
  ITEM,
  ITEM_DELIMITATION,
  PIXEL_DATA,
  SEQUENCE_DELIMITATION,
  type Tag,
} from "./tag.ts";
import { hasLongLength, type Vr } from "./vr.ts";

/** Limits that keep hostile input from costing unbounded memory or nesting. */
export interface DicomParserOptions {
  /** Deepest sequence nesting accepted (default 256; real files stay below 20). */
  maxDepth?: number;
  /** Largest value accepted for a non-bulk VR such as LO or US (default 64 MiB). */
  maxShortValue?: number;
}

/** VRs that may legitimately hold very long values, streamed and never gathered. */
const BULK_VRS = new Set<Vr>(["OB", "OD", "OF", "OL", "OV", "OW", "UN", "UT", "UC", "UR"]);

/**
 * Synchronous push tokenizer: bytes in, {@link DicomEvent}s out (PS3.5 §7, PS3.10 §7).
 * It never holds a value: values leave as zero-copy `value` events while bytes arrive, so
 * memory stays bounded by the largest input chunk. The same bytes split at any boundary give
 * the same events (once consecutive `value` chunks of one element are joined).
 *
 * Buffer contract: `value` events are views of the chunk just pushed, valid until the next
 * `push`; the parser keeps no reference to a chunk after `push` returns (leftover bytes are
 * copied), so a reader may refill one buffer once the events have been consumed.
 */
export class DicomParser {
  #queue = new ByteQueue();
  #out: DicomEvent[] = [];
  /** Reads the preamble and File Meta; undefined once the dataset has started. */
  #meta: FileMetaReader | undefined = new FileMetaReader();
  #offset = 0;
  readonly #frames: FrameStack;
  #dataset: LevelEncoding = EXPLICIT_LE;
  #valueLeft = 0;
  #valueTag: Tag = 0;
  #inflater: BatchedInflater | undefined;
  #finished = false;
  readonly #maxShortValue: number;

  constructor(options: DicomParserOptions = {}) {
    this.#frames = new FrameStack(options.maxDepth ?? 256);
    this.#maxShortValue = options.maxShortValue ?? 64 * 1024 * 1024;
  }

  /** Feeds the next input bytes; returns the events they complete. */
  push(chunk: Uint8Array): DicomEvent[] {
    if (this.#finished) throw new TypeError("push() after finish()");
    if (this.#inflater) this.#inflater.push(chunk, false, this.#offset);
    else this.#queue.push(chunk);
    this.#run(false);
    this.#queue.compact();
    return this.#take();
  }

  /** Signals the end of input; returns the last events or throws on truncated input. */
  finish(): DicomEvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    if (this.#inflater) this.#inflater.push(new Uint8Array(0), true, this.#offset);
    this.#run(true);
    if (this.#valueLeft > 0) {
      throw new DicomParseError(
        `Truncated value: ${this.#valueLeft} bytes missing`,
        this.#offset,
        this.#valueTag,
      );
    }
    if (this.#queue.available > 0) {
      throw new DicomParseError(
        `Truncated element header (${this.#queue.available} trailing bytes)`,
        this.#offset,
      );
    }
    // A frame still open here is truncated: an undefined-length one lacks its delimiter, a
    // defined-length one the rest of its bytes (fuzzing: a defined-length sequence cut at an
    // element boundary used to pass as complete; DCMTK rejects it too).
    const open = this.#frames.unfinished(this.#offset);
    if (open) {
      throw new DicomParseError(`Truncated input: ${open.kind} not closed`, this.#offset, open.tag);
    }
    while (this.#frames.depth > 0) this.#out.push(this.#frames.close());
    return this.#take();
  }

  /**
   * How many bytes of the value now streaming the caller may move from input to output itself
   * ({@link bypass}): all but its last byte, so the value still ends with a normal `value`
   * event (`last: true`). 0 unless a value is open, nothing is queued (the next input byte is
   * the value's) and the input is not deflated (its bytes are not the dataset's).
   */
  bypassable(): number {
    if (this.#meta || this.#inflater || this.#finished) return 0;
    if (this.#queue.available > 0 || this.#valueLeft < 2) return 0;
    return this.#valueLeft - 1;
  }

  /**
   * Accounts for `n` value bytes that the caller moved itself (see DicomPipeline.bypass): the
   * parser advances past them without seeing them and emits no event for them.
   */
  bypass(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.bypassable()) {
      throw new RangeError(`bypass(${n}) outside the ${this.bypassable()} bypassable bytes`);
    }
    this.#valueLeft -= n;
    this.#offset += n;
  }

  /**
   * After `push()` or `finish()` threw: the events decoded before the error, which the failed
   * call did not return (see DicomPipeline). Empty otherwise.
   */
  takePending(): DicomEvent[] {
    return this.#take();
  }

  #take(): DicomEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #run(final: boolean): void {
    for (;;) {
      const meta = this.#meta;
      let progressed: boolean;
      if (meta) {
        progressed = meta.read(this.#queue, this.#out, final);
        this.#offset = meta.offset;
        if (meta.encoding) this.#startDataset(meta.encoding);
      } else {
        progressed = this.#readDataset();
      }
      if (!progressed) return;
    }
  }

  /** File Meta has ended (its `metaEnd` is out): read the rest as the dataset. */
  #startDataset(encoding: Encoding): void {
    this.#meta = undefined;
    this.#dataset = { explicitVr: encoding.explicitVr, littleEndian: encoding.littleEndian };
    if (encoding.deflated) this.#startInflating();
  }

  /** Deflated syntax: everything after File Meta is raw DEFLATE (PS3.5 §A.5). */
  #startInflating(): void {
    const raw = this.#queue.drain();
    this.#queue = new ByteQueue();
    const inflater = new BatchedInflater(this.#queue);
    this.#inflater = inflater;
    for (const chunk of raw) inflater.push(chunk, false, this.#offset);
    // File Meta can end inside finish() (a dataset shorter than a header): end the stream too.
    if (this.#finished) inflater.push(new Uint8Array(0), true, this.#offset);
  }

  #readDataset(): boolean {
    const q = this.#queue;
    if (this.#valueLeft > 0) {
      if (q.available === 0) return false;
      const bytes = q.takeUpTo(this.#valueLeft);
      this.#valueLeft -= bytes.length;
      this.#offset += bytes.length;
      this.#out.push({ kind: "value", bytes, last: this.#valueLeft === 0 });
      return true;
    }
    const top = this.#frames.top;
    if (top && top.end !== UNDEFINED_LENGTH && this.#offset >= top.end) {
      if (this.#offset > top.end) {
        throw new DicomParseError(`Content overruns its ${top.kind}`, this.#offset, top.tag);
      }
      this.#out.push(this.#frames.close());
      return true;
    }
    if (q.available < 8) return false;
    const enc = top?.enc ?? this.#dataset;
    const head = q.peek(8);
    const tag = readTag(head, 0, enc.littleEndian);
    if (isDelimiterOrItem(tag)) return this.#readMarker(tag, readU32(head, 4, enc.littleEndian));
    if (top?.kind === "sequence" || top?.kind === "pixels") {
      throw new DicomParseError(`Expected an item, found ${formatTag(tag)}`, this.#offset);
    }
    return this.#readElement(tag, head, enc);
  }

  /** Items and delimiters (PS3.5 §7.5): their meaning depends on the enclosing frame. */
  #readMarker(tag: Tag, length: number): boolean {
    const top = this.#frames.top;
    const at = this.#offset;
    this.#queue.skip(8);
    this.#offset += 8;
    if (tag === ITEM && top?.kind === "sequence") {
      if (length !== UNDEFINED_LENGTH) this.#frames.checkFits(this.#offset, length, tag);
      const end = length === UNDEFINED_LENGTH ? length : this.#offset + length;
      this.#frames.open({ kind: "item", end, enc: top.enc, tag: top.tag }, at);
      this.#out.push({ kind: "itemStart", length, offset: at });
      return true;
    }
    if (tag === ITEM && top?.kind === "pixels") {
      if (length === UNDEFINED_LENGTH) {
        throw new DicomParseError("Pixel Data fragment has undefined length", at, PIXEL_DATA);
      }
      this.#frames.checkFits(this.#offset, length, PIXEL_DATA);
      this.#out.push({ kind: "fragment", length, offset: at });
      this.#valueLeft = length;
      this.#valueTag = PIXEL_DATA;
      return true;
    }
    const closes = (tag === ITEM_DELIMITATION && top?.kind === "item") ||
      (tag === SEQUENCE_DELIMITATION && (top?.kind === "sequence" || top?.kind === "pixels"));
    if (closes && top) {
      // A delimiter inside a defined-length frame is redundant: the length already ends it.
      if (top.end === UNDEFINED_LENGTH) this.#out.push(this.#frames.close());
      return true;
    }
    throw new DicomParseError(`Unexpected ${formatTag(tag)}`, at);
  }

  #readElement(tag: Tag, head: Uint8Array, enc: LevelEncoding): boolean {
    const q = this.#queue;
    let vr: Vr;
    let headerSize = 8;
    let length: number;
    if (!enc.explicitVr) {
      vr = vrOf(tag);
      length = readU32(head, 4, enc.littleEndian);
    } else {
      const found = explicitVrAt(head, 4);
      if (found && hasLongLength(found)) {
        if (q.available < 12) return false;
        headerSize = 12;
        length = readU32(q.peek(12), 8, enc.littleEndian);
        vr = found;
      } else {
        // An unknown VR code is read with a 16-bit length, as DCMTK does, and re-labelled
        // from the dictionary so the output is valid.
        length = readU16(head, 6, enc.littleEndian);
        vr = found ?? this.#relabel(tag);
      }
    }
    const at = this.#offset;
    if (length === UNDEFINED_LENGTH) return this.#openUndefined(tag, vr, enc, headerSize, at);
    if (vr === "SQ") {
      this.#frames.checkFits(this.#offset, headerSize + length, tag);
      q.skip(headerSize);
      this.#offset += headerSize;
      this.#frames.open({ kind: "sequence", end: this.#offset + length, enc, tag }, at);
      this.#out.push({ kind: "sequenceStart", tag, vr, length, offset: at });
      return true;
    }
    if (!BULK_VRS.has(vr) && tag !== PIXEL_DATA && length > this.#maxShortValue) {
      throw new DicomParseError(`Value length ${length} is not plausible for ${vr}`, at, tag);
    }
    this.#frames.checkFits(this.#offset, headerSize + length, tag);
    q.skip(headerSize);
    this.#offset += headerSize;
    this.#out.push({ kind: "element", tag, vr, length, offset: at });
    this.#valueLeft = length;
    this.#valueTag = tag;
    return true;
  }

  /** Undefined length: a sequence, a UN read as Implicit VR LE sequence, or encapsulated pixels. */
  #openUndefined(tag: Tag, vr: Vr, enc: LevelEncoding, headerSize: number, at: number): boolean {
    this.#queue.skip(headerSize);
    this.#offset += headerSize;
    if (vr === "SQ") {
      this.#frames.open({ kind: "sequence", end: UNDEFINED_LENGTH, enc, tag }, at);
      this.#out.push({ kind: "sequenceStart", tag, vr, length: UNDEFINED_LENGTH, offset: at });
    } else if (vr === "OB" || vr === "OW" || ((vr === "UN") && tag === PIXEL_DATA)) {
      this.#frames.open({ kind: "pixels", end: UNDEFINED_LENGTH, enc, tag }, at);
      this.#out.push({ kind: "pixelSequenceStart", tag, vr, offset: at });
    } else if (vr === "UN") {
      // PS3.5 §6.2.2: a UN of undefined length holds a sequence in Implicit VR Little Endian.
      this.#frames.open({ kind: "sequence", end: UNDEFINED_LENGTH, enc: IMPLICIT_LE, tag }, at);
      this.#out.push({ kind: "sequenceStart", tag, vr, length: UNDEFINED_LENGTH, offset: at });
    } else {
      throw new DicomParseError(`Undefined length is not allowed for VR ${vr}`, at, tag);
    }
    return true;
  }

  #relabel(tag: Tag): Vr {
    const vr = groupOf(tag) === 0 ? "UL" : vrOf(tag);
    // A 16-bit length cannot describe a sequence; keep such values as opaque bytes.
    return vr === "SQ" ? "UN" : vr;
  }
}
