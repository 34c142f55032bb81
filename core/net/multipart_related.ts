/**
 * A streaming splitter for multipart bodies (RFC 2046 §5.1; multipart/related, RFC 2387, is
 * what DICOMweb STOW-RS sends, PS3.18 §8.6.1.2). Like the DICOM parser it is a synchronous
 * push parser, bytes in and events out, and it never holds a part: body bytes leave as
 * zero-copy views of the chunk just pushed, and at most one delimiter's length (≤ 73 bytes)
 * is carried to the next chunk, so a 1 GiB part costs the memory of a 1 KiB one. The same
 * bytes split anywhere give the same parts. Errors are an `error` event after every event
 * the bytes before them completed, so a part that ended cleanly is never lost to a later one.
 */
import { UploadTooLargeError } from "../limits/errors.ts";

/** The multipart body is malformed or cut off (a 400; never quotes body bytes). */
export class MultipartError extends RangeError {
  /** `why` says what is wrong, without quoting the body. */
  constructor(why: string) {
    super(`Malformed multipart body: ${why}`);
    this.name = "MultipartError";
  }
}

/** Header fields of one part, names lower-cased, values as sent (ISO 8859-1). */
export type PartHeaders = ReadonlyMap<string, string>;

/** What the bytes pushed so far complete. */
export type MultipartEvent =
  | { readonly kind: "part"; readonly index: number; readonly headers: PartHeaders }
  | { readonly kind: "data"; readonly bytes: Uint8Array }
  | { readonly kind: "partEnd" }
  | { readonly kind: "close" }
  | { readonly kind: "error"; readonly error: Error };

/** The boundary and the limits that keep hostile bodies bounded. */
export interface MultipartOptions {
  /** The `boundary` parameter of the Content-Type (validated by the caller). */
  readonly boundary: string;
  /** Most parts accepted; one more is an UploadTooLargeError. */
  readonly maxParts: number;
  /** Longest header line of a part (default 8 KiB). */
  readonly maxHeaderLine?: number;
  /** Most header bytes per part (default 64 KiB). */
  readonly maxHeaderBytes?: number;
  /** Most bytes of preamble, and of epilogue (default 64 KiB each). */
  readonly maxJunk?: number;
}

type State = "preamble" | "tail" | "headers" | "body" | "epilogue" | "failed";

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const EMPTY = new Uint8Array(0);
const MAX_PADDING = 1024;
const MAX_HEADER_LINES = 100;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Synchronous push parser of one multipart body. */
export class MultipartParser {
  readonly #delim: Uint8Array;
  readonly #o: Required<MultipartOptions>;
  #state: State = "preamble";
  // The body is read as if it began with CRLF, so a first boundary at byte 0 is a delimiter.
  #carry: Uint8Array = new Uint8Array([CR, LF]);
  #tail: "start" | "dash" | "pad" | "cr" = "start";
  #padding = 0;
  #line: Uint8Array[] = [];
  #lineBytes = 0;
  #headerBytes = 0;
  #headers = new Map<string, string>();
  #lastName: string | undefined;
  #parts = 0;
  #junk = 0;
  #out: MultipartEvent[] = [];

  /** A parser for one body. */
  constructor(options: MultipartOptions) {
    this.#o = { maxHeaderLine: 8192, maxHeaderBytes: 65536, maxJunk: 65536, ...options };
    this.#delim = new TextEncoder().encode(`\r\n--${options.boundary}`);
  }

  /** Number of parts begun so far. */
  get parts(): number {
    return this.#parts;
  }

  /** Feeds body bytes; returns the events they complete (views valid until the next push). */
  push(chunk: Uint8Array): MultipartEvent[] {
    this.#out = [];
    try {
      let at = 0;
      while (at < chunk.length && this.#state !== "failed") at = this.#step(chunk, at);
    } catch (err) {
      if (!(err instanceof MultipartError || err instanceof UploadTooLargeError)) throw err;
      this.#out.push({ kind: "error", error: err });
      this.#state = "failed";
    }
    return this.#out;
  }

  /** Ends the body: an error event unless the close delimiter was seen. */
  finish(): MultipartEvent[] {
    if (this.#state === "epilogue" || this.#state === "failed") return [];
    this.#state = "failed";
    const why = "the body ended before the final boundary (truncated request)";
    return [{ kind: "error", error: new MultipartError(why) }];
  }

  /** Consumes bytes of `buf` from `at` in the current state; returns where it stopped. */
  #step(buf: Uint8Array, at: number): number {
    switch (this.#state) {
      case "preamble":
      case "body": {
        const end = this.#scan(buf, at);
        if (end < 0) return buf.length;
        if (this.#state === "body") this.#out.push({ kind: "partEnd" });
        this.#state = "tail";
        this.#tail = "start";
        this.#padding = 0;
        return end;
      }
      case "tail":
        this.#boundaryTail(buf[at]);
        return at + 1;
      case "headers":
        return this.#headerBytesFrom(buf, at);
      case "epilogue":
        this.#addJunk(buf.length - at, "epilogue");
        return buf.length;
      default:
        return buf.length;
    }
  }

  /**
   * Finds the next delimiter in `buf` from `at` (with the carried bytes in front); emits the
   * content before it. Returns the index just past the delimiter, or -1 when `buf` ran out.
   */
  #scan(buf: Uint8Array, at: number): number {
    const d = this.#delim.length;
    const k = this.#carry.length;
    if (k > 0) {
      const carry = this.#carry;
      this.#carry = EMPTY;
      if (buf.length - at < d) { // a short chunk: rescan a joint copy of at most 2·d bytes
        const joint = new Uint8Array(k + buf.length - at);
        joint.set(carry);
        joint.set(buf.subarray(at), k);
        const end = this.#scan(joint, 0);
        return end < 0 ? -1 : at + end - k; // a delimiter is longer than any carry: end > k
      }
      // A delimiter that starts in the carry ends within its first d-1 following bytes.
      const head = new Uint8Array(k + d - 1);
      head.set(carry);
      head.set(buf.subarray(at, at + d - 1), k);
      const i = indexOfBytes(head, this.#delim, 0);
      if (i >= 0) {
        this.#content(carry.subarray(0, i));
        return at + i + d - k;
      }
      this.#content(carry);
    }
    const i = indexOfBytes(buf, this.#delim, at);
    if (i >= 0) {
      this.#content(buf.subarray(at, i));
      return i + d;
    }
    const keep = partialDelimiter(buf, at, this.#delim);
    this.#content(buf.subarray(at, buf.length - keep));
    this.#carry = buf.slice(buf.length - keep);
    return -1;
  }

  #content(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#state === "body") this.#out.push({ kind: "data", bytes });
    else this.#addJunk(bytes.length, "preamble");
  }

  /** One byte after a boundary: `--` closes; else optional padding, then CRLF. */
  #boundaryTail(b: number): void {
    const bad = () => new MultipartError("a boundary line has trailing characters");
    switch (this.#tail) {
      case "start":
        if (b === DASH) {
          this.#tail = "dash";
          return;
        }
        this.#tail = "pad";
        return this.#boundaryTail(b);
      case "dash":
        if (b !== DASH) throw bad();
        this.#state = "epilogue";
        this.#junk = 0;
        this.#out.push({ kind: "close" });
        return;
      case "pad":
        if (b === CR) this.#tail = "cr";
        else if ((b !== 0x20 && b !== 0x09) || ++this.#padding > MAX_PADDING) throw bad();
        return;
      case "cr":
        if (b !== LF) throw bad();
        this.#beginPart();
    }
  }

  #beginPart(): void {
    if (++this.#parts > this.#o.maxParts) {
      throw new UploadTooLargeError("Multipart body", this.#o.maxParts, "parts");
    }
    this.#state = "headers";
    this.#headers = new Map();
    this.#lastName = undefined;
    this.#headerBytes = 0;
  }

  /** Gathers header lines (bounded); an empty line starts the body. */
  #headerBytesFrom(buf: Uint8Array, at: number): number {
    const nl = buf.indexOf(LF, at);
    const end = nl < 0 ? buf.length : nl;
    this.#lineBytes += end - at;
    this.#headerBytes += end - at + (nl < 0 ? 0 : 1);
    if (this.#lineBytes > this.#o.maxHeaderLine) {
      throw new MultipartError(`a part header line is longer than ${this.#o.maxHeaderLine} bytes`);
    }
    if (this.#headerBytes > this.#o.maxHeaderBytes) {
      throw new MultipartError(`a part has more than ${this.#o.maxHeaderBytes} bytes of headers`);
    }
    if (nl < 0) {
      this.#line.push(buf.slice(at));
      return buf.length;
    }
    this.#line.push(buf.subarray(at, nl));
    let text = "";
    for (const piece of this.#line) text += String.fromCharCode(...piece);
    this.#line = [];
    this.#lineBytes = 0;
    this.#headerLine(text.endsWith("\r") ? text.slice(0, -1) : text);
    return nl + 1;
  }

  #headerLine(line: string): void {
    if (line === "") {
      this.#state = "body";
      this.#out.push({ kind: "part", index: this.#parts, headers: this.#headers });
      return;
    }
    if (this.#headers.size >= MAX_HEADER_LINES) {
      throw new MultipartError(`a part has more than ${MAX_HEADER_LINES} header fields`);
    }
    if (line[0] === " " || line[0] === "\t") { // obsolete line folding (RFC 5322 §3.2.2)
      if (this.#lastName === undefined) throw new MultipartError("a part header starts folded");
      const prev = this.#headers.get(this.#lastName)!;
      this.#headers.set(this.#lastName, `${prev} ${line.trim()}`);
      return;
    }
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon).trim().toLowerCase();
    if (!TOKEN.test(name)) throw new MultipartError("a part header line has no field name");
    if (this.#headers.has(name)) {
      if (name === "content-type" || name === "content-length") {
        throw new MultipartError(`a part has two ${name} headers`);
      }
      return; // first wins
    }
    this.#headers.set(name, line.slice(colon + 1).trim());
    this.#lastName = name;
  }

  /** Counts preamble or epilogue bytes (each has its own budget: the count restarts at close). */
  #addJunk(n: number, where: string): void {
    this.#junk += n;
    if (this.#junk > this.#o.maxJunk) {
      throw new MultipartError(`the ${where} is longer than ${this.#o.maxJunk} bytes`);
    }
  }
}

/** Index of `needle` in `hay` at or after `from`, or -1 (first-byte scan, then compare). */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Length of the longest proper prefix of `delim` that `buf` (from `at`) ends with. */
function partialDelimiter(buf: Uint8Array, at: number, delim: Uint8Array): number {
  for (let p = Math.max(at, buf.length - delim.length + 1); p < buf.length; p++) {
    if (buf[p] !== delim[0]) continue;
    let j = 1;
    while (p + j < buf.length && buf[p + j] === delim[j]) j++;
    if (p + j === buf.length) return buf.length - p;
  }
  return 0;
}
