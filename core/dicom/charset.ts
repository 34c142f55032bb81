/**
 * Specific Character Set (0008,0005) decoding and encoding of character strings (PS3.5 §6.1).
 *
 * ISO 2022 code extensions are segmented here, not by `TextDecoder`: Deno rejects iso-2022-kr
 * and its iso-2022-jp turns IR 13 katakana into U+FFFD. Each character is rewritten into the
 * EUC form of its set (high bit set, EUC shift byte prefixed) and decoded with iconv-lite, the
 * same trick pydicom plays.
 */
import { latin1String } from "./latin1.ts";
import iconv from "iconv-lite";
import { trimPadding } from "./transfer_syntax.ts";
import type { Vr } from "./vr.ts";

/** A graphic set designated to G0 (bytes 21-7E) or G1 (bytes A0-FF) (PS3.3 Table C.12-3/4). */
interface GraphicSet {
  /** iconv-lite codec that decodes the set's characters in their EUC (high-bit) form. */
  readonly codec: string;
  readonly width: 1 | 2;
  /** EUC shift byte before each character: SS2 for half-width katakana, SS3 for JIS X 0212. */
  readonly prefix?: number;
  /** Valid range of each byte once the high bit is set; anything else becomes U+FFFD. */
  readonly lo: number;
  readonly hi: number;
}

/** How a defined term decodes: a whole-value codec, or ISO 2022 with an initial G1 set. */
type Term =
  | { readonly kind: "whole"; readonly codec: string }
  | { readonly kind: "iso2022"; readonly g1?: GraphicSet };

/** The register an escape sequence loads (0 or 1) and the set (undefined for ASCII). */
interface Designation {
  readonly g: 0 | 1;
  readonly set?: GraphicSet;
}

const ESC = 0x1b;
const latin = (codec: string): GraphicSet => ({ codec, width: 1, lo: 0x80, hi: 0xff });
const KATAKANA: GraphicSet = { codec: "euc-jp", width: 1, prefix: 0x8e, lo: 0xa1, hi: 0xdf };
const JIS_X_0208: GraphicSet = { codec: "euc-jp", width: 2, lo: 0xa1, hi: 0xfe };
const JIS_X_0212: GraphicSet = { codec: "euc-jp", width: 2, prefix: 0x8f, lo: 0xa1, hi: 0xfe };
// iconv-lite's euc-kr is CP949 and its gbk is CP936; the lo/hi range keeps them to the
// KS X 1001 and GB 2312 code points that ISO 2022 can express.
const KS_X_1001: GraphicSet = { codec: "euc-kr", width: 2, lo: 0xa1, hi: 0xfe };
const GB_2312: GraphicSet = { codec: "gbk", width: 2, lo: 0xa1, hi: 0xfe };

/** Single-byte sets by ISO-IR number, each with its ESC sequence final byte (PS3.3 C.12-2). */
const SINGLE_BYTE: ReadonlyMap<string, readonly [GraphicSet, string]> = new Map([
  ["100", [latin("iso-8859-1"), "-A"]],
  ["101", [latin("iso-8859-2"), "-B"]],
  ["109", [latin("iso-8859-3"), "-C"]],
  ["110", [latin("iso-8859-4"), "-D"]],
  ["144", [latin("iso-8859-5"), "-L"]],
  ["127", [latin("iso-8859-6"), "-G"]],
  ["126", [latin("iso-8859-7"), "-F"]],
  ["138", [latin("iso-8859-8"), "-H"]],
  ["148", [latin("iso-8859-9"), "-M"]],
  ["203", [latin("iso-8859-15"), "-b"]],
  ["166", [latin("iso-8859-11"), "-T"]],
  ["13", [KATAKANA, ")I"]],
]);

/**
 * Designations by the bytes after ESC. G0 `undefined` is ASCII; IR 14 romaji (ESC ( J) is
 * decoded as ASCII too, as pydicom does, so 5C stays the value delimiter rather than a yen sign.
 */
const ESCAPES: ReadonlyMap<string, Designation> = new Map<string, Designation>([
  ["(B", { g: 0 }],
  ["(J", { g: 0 }],
  ["$B", { g: 0, set: JIS_X_0208 }],
  ["$(D", { g: 0, set: JIS_X_0212 }],
  ["$)C", { g: 1, set: KS_X_1001 }],
  ["$)A", { g: 1, set: GB_2312 }],
  ...[...SINGLE_BYTE.values()].map(([set, esc]): [string, Designation] => [esc, { g: 1, set }]),
]);

/** Value-1 multi-byte terms designate G1 at start, as pydicom decodes them; G0 ones do not. */
const MULTI_BYTE: ReadonlyMap<string, GraphicSet | undefined> = new Map([
  ["6", undefined],
  ["87", undefined],
  ["159", undefined],
  ["149", KS_X_1001],
  ["58", GB_2312],
]);

/** VRs whose values use (0008,0005); all others are in the default repertoire (PS3.5 §6.1.2.3). */
const CUSTOMIZABLE: ReadonlySet<string> = new Set(["SH", "LO", "ST", "LT", "UC", "UT", "PN"]);

/** Single-valued VRs, where a backslash is text and not a delimiter (PS3.5 §6.2). */
const TEXT_VRS: ReadonlySet<string> = new Set(["LT", "ST", "UT"]);

/** Control characters other than ESC return the initial sets (PS3.5 §6.1.2.5.3). */
const CONTROLS = [...Array(0x20).keys()].filter((b) => b !== ESC);
const RESET_TEXT: ReadonlySet<number> = new Set(CONTROLS);
const RESET_MULTI: ReadonlySet<number> = new Set([...CONTROLS, 0x5c]);
const RESET_PN: ReadonlySet<number> = new Set([...CONTROLS, 0x5c, 0x5e, 0x3d]);

/** Splits (0008,0005) into its defined terms, trimmed; value 1 may be empty (PS3.3 C.12.1.1.2). */
export function parseSpecificCharacterSet(raw: string): string[] {
  if (/^[ \0]*$/.test(raw)) return [];
  return raw.split("\\").map((t) => trimPadding(t, true));
}

/** True when no byte has the high bit set, so every DICOM charset reads it alike (PS3.5 §6.1). */
export function isAsciiOnly(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/** True for bytes below 0x80 other than ESC (which starts an ISO 2022 escape sequence). */
function isPlainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80 || bytes[i] === 0x1b) return false;
  return true;
}

/** Looks up a defined term, tolerating `ISO_IR_100`-style spellings as pydicom does. */
function lookupTerm(raw: string | undefined): Term | undefined {
  const key = (raw ?? "").trim().toUpperCase().replace(/[\s_-]+/g, " ");
  if (key === "") return { kind: "iso2022" };
  if (key === "ISO IR 192") return { kind: "whole", codec: "utf-8" };
  if (key === "GB18030" || key === "GBK") return { kind: "whole", codec: key.toLowerCase() };
  const ir = /^ISO (?:2022 )?IR (\d+)$/.exec(key)?.[1];
  if (ir === undefined) return undefined;
  if (MULTI_BYTE.has(ir)) return { kind: "iso2022", g1: MULTI_BYTE.get(ir) };
  const single = SINGLE_BYTE.get(ir);
  return single && { kind: "iso2022", g1: single[0] };
}

/**
 * Decodes one whole element value (all of its `\`-separated values) per PS3.5 §6.1.
 * Unknown terms and undeclared high bytes read as Latin-1, as pydicom does; bad sequences give
 * U+FFFD. Padding is kept. Split values after decoding: a GB18030 trail byte can be 5C.
 */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], vr: Vr): string {
  // Pure ASCII (no ESC, no high byte) reads the same in every DICOM character set: skip the
  // term lookup and iconv, which dominated the cost of small files.
  if (isPlainAscii(bytes)) return latin1String(bytes);
  const term = CUSTOMIZABLE.has(vr) ? lookupTerm(charsets[0]) : undefined;
  if (term === undefined) return decodeWith(bytes, "latin1");
  if (term.kind === "whole") return decodeWith(bytes, term.codec);
  // Without ESC, ASCII plus an ISO 8859 upper half is exactly what one iconv codec reads.
  if (!bytes.includes(ESC) && (term.g1 === undefined || term.g1.lo === 0x80)) {
    return decodeWith(bytes, term.g1?.codec ?? "latin1");
  }
  const resets = vr === "PN" ? RESET_PN : TEXT_VRS.has(vr) ? RESET_TEXT : RESET_MULTI;
  return decodeIso2022(bytes, term.g1, resets);
}

function decodeWith(bytes: Uint8Array, codec: string): string {
  // A leading U+FEFF is data here, not a byte order mark to drop.
  if (codec === "utf-8") return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  return iconv.decode(bytes, codec);
}

/** Runs the G0/G1 designation state machine of PS3.5 §6.1.2.5 over one value. */
function decodeIso2022(
  bytes: Uint8Array,
  initialG1: GraphicSet | undefined,
  resets: ReadonlySet<number>,
): string {
  let g0: GraphicSet | undefined;
  let g1 = initialG1;
  const out: string[] = [];
  let codec = "latin1";
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) out.push(decodeWith(Uint8Array.from(run), codec));
    run = [];
  };
  const put = (to: string, chunk: number[]) => {
    if (to !== codec) flush();
    codec = to;
    run.push(...chunk);
  };
  const bad = () => {
    flush();
    out.push("\uFFFD");
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === ESC) {
      let end = i + 1;
      while (bytes[end] >= 0x20 && bytes[end] <= 0x2f) end++;
      const wellFormed = bytes[end] >= 0x30 && bytes[end] <= 0x7e;
      // Real sequences have at most two intermediates; longer runs are not looked up.
      const designation = wellFormed && end - i <= 4
        ? ESCAPES.get(String.fromCharCode(...bytes.subarray(i + 1, end + 1)))
        : undefined;
      if (designation === undefined) bad();
      else if (designation.g === 0) g0 = designation.set;
      else g1 = designation.set;
      // A malformed sequence skips only ESC, so the bytes after it are still read.
      i = wellFormed ? end + 1 : i + 1;
      continue;
    }
    const set = b >= 0x80 ? g1 : g0;
    // Space, DEL and controls stay single bytes even while G0 holds a 94x94 set.
    if (set === undefined || (b < 0x80 && (b <= 0x20 || b === 0x7f))) {
      if (resets.has(b)) [g0, g1] = [undefined, initialG1];
      if (b < 0x80) run.push(b); // ASCII is common to every codec used here
      else put("latin1", [b]);
      i++;
      continue;
    }
    const chunk = [...bytes.subarray(i, i + set.width)].map((x) => x | 0x80);
    if (chunk.length < set.width || chunk.some((x) => x < set.lo || x > set.hi)) {
      bad();
      i++;
      continue;
    }
    put(set.codec, set.prefix === undefined ? chunk : [set.prefix, ...chunk]);
    i += set.width;
  }
  flush();
  return out.join("");
}

/**
 * Encodes text in value 1 of (0008,0005) without code extensions (PS3.5 §6.1.2.4), or returns
 * undefined when some character is not in that set (the caller then switches to ISO_IR 192).
 * No padding is added. Lone surrogates become U+FFFD in UTF-8, as TextEncoder writes them.
 */
export function encodeText(text: string, charsets: readonly string[]): Uint8Array | undefined {
  const term = lookupTerm(charsets[0]);
  if (term === undefined) return undefined;
  if (term.kind === "whole" && term.codec === "utf-8") return new TextEncoder().encode(text);
  // An ESC in the text would start a code extension when read back.
  if (term.kind === "iso2022" && text.includes("\x1b")) return undefined;
  const bytes = term.kind === "whole" ? iconv.encode(text, term.codec) : encodeIso2022(text, term);
  // iconv-lite writes "?" for what it cannot encode; reading back catches that and any
  // character outside the byte ranges decodeText accepts.
  if (bytes === undefined || decodeText(bytes, charsets, "UT") !== text) return undefined;
  return new Uint8Array(bytes);
}

/** Encodes in the initial G0/G1 sets only, so no escape sequence is ever written. */
function encodeIso2022(text: string, term: { readonly g1?: GraphicSet }): Uint8Array | undefined {
  if (term.g1 === KATAKANA) return encodeKatakana(text);
  if (term.g1?.lo === 0x80) return iconv.encode(text, term.g1.codec);
  // Value 1 with no G1 set, or a multi-byte one that would need ESC sequences: ASCII only.
  return /^[\0-\x7f]*$/.test(text) ? Uint8Array.from(text, (c) => c.charCodeAt(0)) : undefined;
}

/** JIS X 0201: ASCII plus half-width katakana U+FF61-FF9F at A1-DF (PS3.3 Table C.12-2). */
function encodeKatakana(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c >= 0xff61 && c <= 0xff9f) out.push(c - 0xff61 + 0xa1);
    else return undefined;
  }
  return new Uint8Array(out);
}
