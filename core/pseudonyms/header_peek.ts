/**
 * Reads ahead in a file's header to collect the originals of the four pseudonym attributes
 * before its pipeline starts, because sequential pseudonyms are allocated asynchronously (KV)
 * and the engine is synchronous. Stops at the first top-level element past group 0020 (Study
 * ID is (0020,0010)), at Pixel Data, or at an element starting past {@link PEEK_LIMIT}; the
 * stop depends on element offsets only, so the result is the same for any chunking.
 */
import { decodeText, parseSpecificCharacterSet } from "../dicom/charset.ts";
import { vrOf } from "../dicom/dictionary.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { concat } from "../dicom/file_meta.ts";
import { latin1String } from "../dicom/latin1.ts";
import { DicomParser } from "../dicom/parser.ts";
import type { Tag } from "../dicom/tag.ts";
import type { Vr } from "../dicom/vr.ts";
import { attributeOfTag, normalizeOriginal, type PseudonymAttribute } from "./attributes.ts";

/** Elements starting past this offset end the peek (the engine holds back as much). */
export const PEEK_LIMIT = 1024 * 1024;
/**
 * Input bytes read at most. Larger than PEEK_LIMIT plus the longest gathered value, so it only
 * cuts a header whose element before the attributes is huge (they lie past PEEK_LIMIT then).
 */
export const PEEK_MAX_BYTES = 4 * PEEK_LIMIT;
/** Longer values are not gathered (no real identifier comes close); the engine then fails. */
const MAX_VALUE = 64 * 1024;
const SPECIFIC_CHARACTER_SET = 0x00080005;
const LAST_GROUP = 0x0020;

/** Originals found, per attribute (normalized; a malformed file may repeat an attribute). */
export type PeekedOriginals = Map<PseudonymAttribute, Set<string>>;

/** A push reader that collects the originals; `done` once it needs no more bytes. */
export class HeaderPeek {
  readonly originals: PeekedOriginals = new Map();
  readonly #parser = new DicomParser();
  #done = false;
  #read = 0;
  #inMeta = true;
  #depth = 0;
  #charsets: string[] = [];
  #cur: { tag: Tag; vr: Vr; parts: Uint8Array[] } | undefined;

  /** True once the header part that can hold the four attributes has been read. */
  get done(): boolean {
    return this.#done;
  }

  /** Reads a chunk (not kept); returns `done`. A parse error just ends the peek. */
  push(chunk: Uint8Array): boolean {
    if (this.#done) return true;
    try {
      this.#events(this.#parser.push(chunk));
    } catch {
      this.#done = true; // the pipeline will report the error with its tag and offset
    }
    this.#read += chunk.length;
    if (this.#read >= PEEK_MAX_BYTES) this.#done = true;
    return this.#done;
  }

  /** The input ended. */
  finish(): void {
    if (this.#done) return;
    try {
      this.#events(this.#parser.finish());
    } catch { /* as in push() */ }
    this.#done = true;
  }

  #events(events: DicomEvent[]): void {
    for (const ev of events) {
      if (this.#done) return;
      switch (ev.kind) {
        case "metaEnd":
          this.#inMeta = false;
          break;
        case "element":
          if (this.#depth === 0 && !this.#inMeta) {
            this.#element(ev.tag, ev.vr, ev.length, ev.offset);
          }
          break;
        case "value":
          if (!this.#cur) break;
          this.#cur.parts.push(ev.bytes.slice());
          if (ev.last) this.#gathered(this.#cur);
          break;
        case "sequenceStart":
        case "pixelSequenceStart":
          if (this.#depth === 0 && this.#past(ev.tag, ev.offset)) return;
          this.#depth++;
          break;
        case "sequenceEnd":
          this.#depth--;
          break;
      }
    }
  }

  /** Ends the peek at a top-level element that lies past the attributes. */
  #past(tag: Tag, offset: number): boolean {
    if (!this.#inMeta && (tag >>> 16 > LAST_GROUP || offset > PEEK_LIMIT)) this.#done = true;
    return this.#done;
  }

  #element(tag: Tag, vr: Vr, length: number, offset: number): void {
    this.#cur = undefined;
    if (this.#past(tag, offset)) return;
    const wanted = tag === SPECIFIC_CHARACTER_SET || attributeOfTag(tag) !== undefined;
    if (!wanted || length > MAX_VALUE) return;
    const cur = { tag, vr: vr === "UN" ? vrOf(tag) : vr, parts: [] };
    if (length === 0) this.#gathered(cur);
    else this.#cur = cur;
  }

  #gathered(cur: { tag: Tag; vr: Vr; parts: Uint8Array[] }): void {
    this.#cur = undefined;
    const bytes = concat(cur.parts);
    if (cur.tag === SPECIFIC_CHARACTER_SET) {
      this.#charsets = parseSpecificCharacterSet(latin1String(bytes));
      return;
    }
    const attribute = attributeOfTag(cur.tag)!;
    const original = normalizeOriginal(decodeText(bytes, this.#charsets, cur.vr));
    if (original === "") return; // empty stays empty: nothing to allocate
    let set = this.originals.get(attribute);
    if (!set) this.originals.set(attribute, set = new Set());
    set.add(original);
  }
}

/** What {@link peekStream} found and the whole stream again, read-ahead bytes first. */
export interface PeekedStream {
  readonly originals: PeekedOriginals;
  readonly replay: AsyncIterable<Uint8Array>;
}

/**
 * Peeks a stream of chunks: reads (and copies) chunks until the peek is done, then returns the
 * originals and an iterable that yields those chunks followed by the rest of `source`.
 */
export async function peekStream(source: AsyncIterable<Uint8Array>): Promise<PeekedStream> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  const peek = new HeaderPeek();
  let ended = false;
  while (!peek.done) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      peek.finish();
      break;
    }
    head.push(r.value.slice()); // the source may reuse its buffer
    peek.push(r.value);
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    let finished = ended;
    try {
      yield* head.splice(0);
      while (!finished) {
        const r = await it.next();
        if (r.done) finished = true;
        else yield r.value;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  }
  return { originals: peek.originals, replay: replay() };
}
