import { Inflate } from "fflate";
import { ByteQueue } from "./byte_queue.ts";
import { vrOf } from "./dictionary.ts";
import { DicomParseError } from "./errors.ts";
import { type DicomEvent, type Encoding, UNDEFINED_LENGTH } from "./events.ts";
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
import { concat } from "./file_meta.ts";
import { detectDatasetStart } from "./sniff.ts";
import {
  formatTag,
  groupOf,
  ITEM,
  ITEM_DELIMITATION,
  PIXEL_DATA,
  SEQUENCE_DELIMITATION,
  type Tag,
} from "./tag.ts";
import { encodingOf, trimUid } from "./transfer_syntax.ts";
import { hasLongLength, type Vr } from "./vr.ts";

/** Limits that keep hostile input from costing unbounded memory or nesting. */
export interface DicomParserOptions {
  /** Deepest sequence nesting accepted (default 256; real files stay below 20). */
  maxDepth?: number;
  /** Largest value accepted for a non-bulk VR such as LO or US (default 64 MiB). */
  maxShortValue?: number;
}

/** Largest File Meta element gathered whole (they are short UIDs and names). */
const MAX_META_VALUE = 64 * 1024;
/**
 * Deflated input reaches the inflater in pieces of at least this size: fflate copies its
 * 32 KiB window on every push, so tiny pushes cost ~100 KiB of garbage each (fuzzing: a 4.6 KB
 * file pushed 6 bytes at a time took 200 ms and +100 MB RSS). Events come later, not others.
 */
const INFLATE_BATCH = 16 * 1024;
/** fflate error codes (its `ec` table) → our own words, so no library text reaches a message. */
const INFLATE_ERRORS = [
  "unexpected end",
  "invalid block type",
  "invalid literal",
  "invalid distance",
];
/** VRs that may legitimately hold very long values, streamed and never gathered. */
const BULK_VRS = new Set<Vr>(["OB", "OD", "OF", "OL", "OV", "OW", "UN", "UT", "UC", "UR"]);

interface Frame {
  readonly kind: "sequence" | "item" | "pixels";
  /** Absolute offset where a defined-length frame ends; UNDEFINED_LENGTH when delimited. */
  readonly end: number;
  /** How headers inside this frame are read. */
  readonly enc: LevelEncoding;
  /** The sequence's or Pixel Data's tag (items: their sequence's), for error messages. */
  readonly tag: Tag;
}

type Phase = "preamble" | "meta" | "dataset";

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
  #phase: Phase = "preamble";
  #offset = 0;
  #stack: Frame[] = [];
  #dataset: LevelEncoding = EXPLICIT_LE;
  #transferSyntax: string | undefined;
  #hadMeta = false;
  #valueLeft = 0;
  #valueTag: Tag = 0;
  #inflater: Inflate | undefined;
  /** Small deflated chunks waiting for {@link INFLATE_BATCH} bytes (owned copies). */
  #inflateWaiting: Uint8Array[] = [];
  #inflateWaitingBytes = 0;
  #finished = false;
  readonly #maxDepth: number;
  readonly #maxShortValue: number;

  constructor(options: DicomParserOptions = {}) {
    this.#maxDepth = options.maxDepth ?? 256;
    this.#maxShortValue = options.maxShortValue ?? 64 * 1024 * 1024;
  }

  /** Feeds the next input bytes; returns the events they complete. */
  push(chunk: Uint8Array): DicomEvent[] {
    if (this.#finished) throw new TypeError("push() after finish()");
    if (this.#inflater) this.#inflate(chunk, false);
    else this.#queue.push(chunk);
    this.#run(false);
    this.#queue.compact();
    return this.#take();
  }

  /** Signals the end of input; returns the last events or throws on truncated input. */
  finish(): DicomEvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    if (this.#inflater) this.#inflate(new Uint8Array(0), true);
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
    const open = this.#stack.findLast((f) => f.end === UNDEFINED_LENGTH || f.end > this.#offset);
    if (open) {
      throw new DicomParseError(`Truncated input: ${open.kind} not closed`, this.#offset, open.tag);
    }
    while (this.#stack.length > 0) this.#close();
    return this.#take();
  }

  /**
   * How many bytes of the value now streaming the caller may move from input to output itself
   * ({@link bypass}): all but its last byte, so the value still ends with a normal `value`
   * event (`last: true`). 0 unless a value is open, nothing is queued (the next input byte is
   * the value's) and the input is not deflated (its bytes are not the dataset's).
   */
  bypassable(): number {
    if (this.#phase !== "dataset" || this.#inflater || this.#finished) return 0;
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
      const progressed = this.#phase === "preamble"
        ? this.#readPreamble(final)
        : this.#phase === "meta"
        ? this.#readMeta(final)
        : this.#readDataset();
      if (!progressed) return;
    }
  }

  /** The 128-byte preamble and `DICM` prefix are optional in practice (PS3.10 §7.1). */
  #readPreamble(final: boolean): boolean {
    const q = this.#queue;
    if (q.available < 132 && !final) return false;
    if (q.available >= 132) {
      const magic = q.peek(132).subarray(128);
      if (magic[0] === 0x44 && magic[1] === 0x49 && magic[2] === 0x43 && magic[3] === 0x4d) {
        this.#out.push({ kind: "preamble", bytes: q.take(128).slice() });
        q.skip(4);
        this.#offset = 132;
        this.#phase = "meta";
        return true;
      }
    }
    // No DICM: the stream must start with a File Meta or dataset element, or it is not DICOM.
    if (q.available < 8) throw new DicomParseError("Not DICOM: input too short", 0);
    const start = detectDatasetStart(q.peek(8));
    if (!start) {
      throw new DicomParseError(
        "Not DICOM: no DICM prefix and the first element is not in group 0002 or 0008",
        0,
      );
    }
    this.#phase = "meta";
    return true;
  }

  /** File Meta Information: Explicit VR LE, group 0002, each value gathered (PS3.10 §7.1). */
  #readMeta(final: boolean): boolean {
    const q = this.#queue;
    if (q.available < 8) {
      if (!final) return false;
      // At the end, fewer than 8 bytes cannot be a File Meta element, so File Meta is over: a
      // deflated dataset can be that short (an empty one deflates to 2 bytes, as we write it);
      // any other leftover is reported by finish() as a truncated header.
      if (q.available >= 2 && readU16(q.peek(2), 0, true) === 0x0002) return false;
      return this.#endMeta(undefined);
    }
    const head = q.peek(8);
    if (readU16(head, 0, true) !== 0x0002) return this.#endMeta(head);
    const tag = readTag(head, 0, true);
    let vr = explicitVrAt(head, 4);
    let headerSize = 8;
    let length: number;
    if (vr === undefined) {
      // A few writers emit File Meta in Implicit VR; read it so, and write it back Explicit.
      vr = vrOf(tag);
      length = readU32(head, 4, true);
    } else if (hasLongLength(vr)) {
      if (q.available < 12) return false;
      headerSize = 12;
      length = readU32(q.peek(12), 8, true);
    } else {
      length = readU16(head, 6, true);
    }
    if (length > MAX_META_VALUE) {
      throw new DicomParseError(`File Meta value length ${length} is too large`, this.#offset, tag);
    }
    if (q.available < headerSize + length) return false;
    q.skip(headerSize);
    const value = q.take(length).slice();
    this.#out.push({ kind: "element", tag, vr, length, offset: this.#offset });
    if (length > 0) this.#out.push({ kind: "value", bytes: value, last: true });
    this.#offset += headerSize + length;
    this.#hadMeta = true;
    if (tag === 0x00020010) {
      // A value that is no UID (PS3.5 §9.1) names no encoding: read the dataset as if File Meta
      // had none, by sniffing, and the encoder writes the syntax actually used. Fuzzing found a
      // 64 KiB garbage value kept as the "transfer syntax" and written back UTF-8-expanded
      // past what File Meta can hold.
      const uid = trimUid(new TextDecoder("latin1").decode(value));
      this.#transferSyntax = /^[0-9.]{1,64}$/.test(uid) ? uid : undefined;
    }
    return true;
  }

  /** Chooses the dataset encoding: from the transfer syntax, else sniffed from the first header. */
  #endMeta(head: Uint8Array | undefined): boolean {
    let encoding: Encoding;
    if (this.#transferSyntax) {
      encoding = encodingOf(this.#transferSyntax);
    } else {
      const proven = this.#hadMeta || this.#offset >= 132;
      const sniffed = head ? detectDatasetStart(head, proven) : undefined;
      if (head && !sniffed) {
        throw new DicomParseError("Cannot tell the dataset encoding: no transfer syntax", 0);
      }
      encoding = encodingOf(sniffed ?? "1.2.840.10008.1.2.1");
    }
    this.#dataset = { explicitVr: encoding.explicitVr, littleEndian: encoding.littleEndian };
    this.#out.push({ kind: "metaEnd", encoding, hadMeta: this.#hadMeta, offset: this.#offset });
    this.#phase = "dataset";
    if (encoding.deflated) this.#startInflating();
    return true;
  }

  /** Deflated syntax: everything after File Meta is raw DEFLATE (PS3.5 §A.5). */
  #startInflating(): void {
    const raw = this.#queue.drain();
    const inflated = new ByteQueue();
    this.#queue = inflated;
    this.#inflater = new Inflate((data) => inflated.push(data));
    for (const chunk of raw) this.#inflate(chunk, false);
    // File Meta can end inside finish() (a dataset shorter than a header): end the stream too.
    if (this.#finished) this.#inflate(new Uint8Array(0), true);
  }

  /** Feeds raw DEFLATE bytes to the inflater in batches; corrupt data is a DicomParseError. */
  #inflate(chunk: Uint8Array, final: boolean): void {
    if (!final && this.#inflateWaitingBytes + chunk.length < INFLATE_BATCH) {
      // Copied: the caller may refill its buffer once push() returns (buffer contract).
      if (chunk.length > 0) this.#inflateWaiting.push(chunk.slice());
      this.#inflateWaitingBytes += chunk.length;
      return;
    }
    const data = this.#inflateWaiting.length ? concat([...this.#inflateWaiting, chunk]) : chunk;
    this.#inflateWaiting = [];
    this.#inflateWaitingBytes = 0;
    try {
      this.#inflater!.push(data, final);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== "number") throw e;
      // The offset is how far the inflated stream got: where the damage shows.
      throw new DicomParseError(
        `Corrupt deflated dataset: ${INFLATE_ERRORS[code] ?? "unreadable data"}`,
        this.#offset + this.#queue.available,
      );
    }
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
    const top = this.#stack.at(-1);
    if (top && top.end !== UNDEFINED_LENGTH && this.#offset >= top.end) {
      if (this.#offset > top.end) {
        throw new DicomParseError(`Content overruns its ${top.kind}`, this.#offset, top.tag);
      }
      this.#close();
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
    const top = this.#stack.at(-1);
    const at = this.#offset;
    this.#queue.skip(8);
    this.#offset += 8;
    if (tag === ITEM && top?.kind === "sequence") {
      if (length !== UNDEFINED_LENGTH) this.#checkFits(length, tag);
      const end = length === UNDEFINED_LENGTH ? length : this.#offset + length;
      this.#open({ kind: "item", end, enc: top.enc, tag: top.tag }, at);
      this.#out.push({ kind: "itemStart", length, offset: at });
      return true;
    }
    if (tag === ITEM && top?.kind === "pixels") {
      if (length === UNDEFINED_LENGTH) {
        throw new DicomParseError("Pixel Data fragment has undefined length", at, PIXEL_DATA);
      }
      this.#checkFits(length, PIXEL_DATA);
      this.#out.push({ kind: "fragment", length, offset: at });
      this.#valueLeft = length;
      this.#valueTag = PIXEL_DATA;
      return true;
    }
    const closes = (tag === ITEM_DELIMITATION && top?.kind === "item") ||
      (tag === SEQUENCE_DELIMITATION && (top?.kind === "sequence" || top?.kind === "pixels"));
    if (closes && top) {
      // A delimiter inside a defined-length frame is redundant: the length already ends it.
      if (top.end === UNDEFINED_LENGTH) this.#close();
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
      this.#checkFits(headerSize + length, tag);
      q.skip(headerSize);
      this.#offset += headerSize;
      this.#open({ kind: "sequence", end: this.#offset + length, enc, tag }, at);
      this.#out.push({ kind: "sequenceStart", tag, vr, length, offset: at });
      return true;
    }
    if (!BULK_VRS.has(vr) && tag !== PIXEL_DATA && length > this.#maxShortValue) {
      throw new DicomParseError(`Value length ${length} is not plausible for ${vr}`, at, tag);
    }
    this.#checkFits(headerSize + length, tag);
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
      this.#open({ kind: "sequence", end: UNDEFINED_LENGTH, enc, tag }, at);
      this.#out.push({ kind: "sequenceStart", tag, vr, length: UNDEFINED_LENGTH, offset: at });
    } else if (vr === "OB" || vr === "OW" || ((vr === "UN") && tag === PIXEL_DATA)) {
      this.#open({ kind: "pixels", end: UNDEFINED_LENGTH, enc, tag }, at);
      this.#out.push({ kind: "pixelSequenceStart", tag, vr, offset: at });
    } else if (vr === "UN") {
      // PS3.5 §6.2.2: a UN of undefined length holds a sequence in Implicit VR Little Endian.
      this.#open({ kind: "sequence", end: UNDEFINED_LENGTH, enc: IMPLICIT_LE, tag }, at);
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

  #open(frame: Frame, at: number): void {
    if (this.#stack.length >= this.#maxDepth) {
      throw new DicomParseError(`Nesting deeper than ${this.#maxDepth} levels`, at);
    }
    this.#stack.push(frame);
  }

  #close(): void {
    const frame = this.#stack.pop()!;
    this.#out.push(frame.kind === "item" ? { kind: "itemEnd" } : { kind: "sequenceEnd" });
  }

  /** Rejects a length that runs past the defined length of any enclosing frame. */
  #checkFits(length: number, tag: Tag): void {
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const end = this.#stack[i].end;
      if (end === UNDEFINED_LENGTH) continue;
      if (this.#offset + length > end) {
        throw new DicomParseError(
          `Value length ${length} runs past the enclosing ${this.#stack[i].kind}`,
          this.#offset,
          tag,
        );
      }
      return; // inner defined frames already lie within outer ones
    }
  }
}
