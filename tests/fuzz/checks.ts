/**
 * What every fuzz outcome must satisfy: error messages follow a known template whose variable
 * parts are numbers, offsets, tags or VR codes (so no value can leak through them) and contain
 * no text value of the input; de-identified outputs hold no value of a direct identifier.
 */
import { concat } from "../../core/dicom/file_meta.ts";
import { firstDifference } from "../support/first_difference.ts";
import { type DicomEvent, DicomParser } from "../../core/dicom/mod.ts";
import { isTextVr, type Vr } from "../../core/dicom/vr.ts";
import { dummyValue } from "../../core/deid/dummy.ts";

const N = String.raw`\d+`;
const TAG = String.raw`\([0-9A-F]{4},[0-9A-F]{4}\)`;
const VR = "[A-Z]{2}";
const KIND = "(?:item|sequence|pixels)";
const WHERE = String.raw` at offset 0x[0-9A-F]+(?: in ${TAG})?`;

/** Every message the codec and engine may throw for bad input, as typed templates. */
export const MESSAGE_TEMPLATES: readonly RegExp[] = [
  `Truncated value: ${N} bytes missing${WHERE}`,
  String.raw`Truncated element header \(${N} trailing bytes\)${WHERE}`,
  `Truncated input: ${KIND} not closed${WHERE}`,
  `Not DICOM: input too short${WHERE}`,
  `Not DICOM: no DICM prefix and the first element is not in group 0002 or 0008${WHERE}`,
  `File Meta value length ${N} is too large${WHERE}`,
  `Cannot tell the dataset encoding: no transfer syntax${WHERE}`,
  `Content overruns its ${KIND}${WHERE}`,
  `Expected an item, found ${TAG}${WHERE}`,
  `Pixel Data fragment has undefined length${WHERE}`,
  `Unexpected ${TAG}${WHERE}`,
  `Value length ${N} is not plausible for ${VR}${WHERE}`,
  `Undefined length is not allowed for VR ${VR}${WHERE}`,
  `Nesting deeper than ${N} levels${WHERE}`,
  `Value length ${N} runs past the enclosing ${KIND}${WHERE}`,
  `Corrupt deflated dataset: [a-z ]+${WHERE}`,
  `DICOMDIR cannot be deflated${WHERE}`,
  `DICOMDIR element moves when rewritten${WHERE}`,
  String.raw`Value too long to de-identify \(${N} bytes\)${WHERE}`,
  String
    .raw`DICOMDIR not anonymized \(not specified by the standard\): regenerate it from the outputs`,
  String.raw`Held back: burned-in annotation: Burned In Annotation \(0028,0301\) is YES and no ` +
  "Clean Pixel Data rule covers the file",
  String.raw`Held back: compressed pixel data cannot be cleaned \(Clean Pixel Data rule ${N} ` +
  String.raw`matches, transfer syntax (?:[0-9.]{1,64}|unknown)\)`,
  String.raw`Held back: Pixel Data \(7FE0,0010\) follows the end of the header \(tags out of ` +
  "order\\): Clean Pixel Data rules could not be matched",
  String.raw`Held back: pixel layout cannot be cleaned \(Clean Pixel Data rule ${N} matches\): ` +
  String
    .raw`(?:Rows, Columns or Bits Allocated missing|Bits Allocated ${N} is not 1 or a multiple ` +
  String
    .raw`of 8|Samples per Pixel ${N} is not 1 to 4|Bits Allocated 1 with more than one sample|` +
  String
    .raw`Number of Frames is not a positive whole number|subsampled YBR layout other than 8-bit ` +
  "interleaved)",
].map((t) => new RegExp(`^${t}$`));

/** The characters any message may use (the brief's safe alphabet). */
const SAFE_ALPHABET = /^[A-Za-z0-9 ,:()'.\-]+$/;

/**
 * Problems with one error message: characters outside the safe alphabet, no matching
 * template (a new message must be added above, after checking it carries no value), or a
 * text value of the input (4+ characters, with a letter) appearing in it.
 */
export function messageProblems(message: string, texts: Iterable<string>): string[] {
  const problems: string[] = [];
  if (!SAFE_ALPHABET.test(message)) {
    problems.push("message has characters outside [A-Za-z0-9 ,:()'.-]");
  }
  if (!MESSAGE_TEMPLATES.some((t) => t.test(message))) problems.push("message matches no template");
  for (const text of texts) {
    if (message.includes(text)) {
      problems.push(`message contains a ${text.length}-character text value of the input`);
      break;
    }
  }
  return problems;
}

/**
 * The text values of an input (parsed as far as it goes): each value of a text VR, and its
 * `\`, `^` and `=` components, trimmed, 4+ characters with at least one letter. Numbers are
 * left out: offsets and lengths in messages are numbers by design.
 */
export function textValues(bytes: Uint8Array): Set<string> {
  const texts = new Set<string>();
  const parser = new DicomParser();
  let vr: Vr | undefined;
  let parts: Uint8Array[] = [];
  const add = (s: string) => {
    const t = s.replace(/[\0 ]+$/, "").trim();
    if (t.length >= 4 && /[A-Za-z]/.test(t)) texts.add(t);
  };
  const see = (ev: DicomEvent) => {
    if (ev.kind === "element") {
      vr = isTextVr(ev.vr) && ev.length <= 4096 ? ev.vr : undefined;
      parts = [];
    } else if (ev.kind === "value" && vr) {
      parts.push(ev.bytes.slice());
      if (ev.last) {
        const text = new TextDecoder("latin1").decode(concat(parts));
        add(text);
        for (const part of text.split(/[\\^=]/)) add(part);
        vr = undefined;
      }
    }
  };
  try {
    for (let at = 0; at < bytes.length; at += 4096) {
      for (const ev of parser.push(bytes.subarray(at, at + 4096))) see(ev);
    }
    for (const ev of parser.finish()) see(ev);
  } catch {
    // The texts read before the error are the ones a message could have seen.
  }
  return texts;
}

/** Direct identifiers the default profile empties (Z) or removes (X): never in the output. */
export const IDENTIFIER_TAGS: ReadonlySet<number> = new Set([
  0x00080050, // Accession Number
  0x00080080, // Institution Name
  0x00080090, // Referring Physician's Name
  0x00081030, // Study Description
  0x00100010, // Patient's Name
  0x00100020, // Patient ID
  0x00100030, // Patient's Birth Date
  0x00101000, // Other Patient IDs
  0x00101001, // Other Patient Names
  0x00101040, // Patient's Address
  0x00200010, // Study ID
]);

/** Keyed UIDs as `mapUid` writes them, any multiplicity, NUL-padded (core/deid/uid.ts). */
const KEYED_UIDS = /^(?:2\.25\.\d+)?(?:\\(?:2\.25\.\d+)?)*\0?$/;

/**
 * `--pseudonyms hash` values (core/pseudonyms/hash.ts): Crockford base32 of a keyed HMAC, 16 or
 * 32 characters — a keyed hash, not the value.
 */
const HASH_PSEUDONYM = /^(?:[0-9A-HJKMNP-TV-Z]{16}|[0-9A-HJKMNP-TV-Z]{32})$/;
/** The identifiers `--pseudonyms` replaces at the top level. */
const PSEUDONYM_TAGS = new Set([0x00080050, 0x00100010, 0x00100020, 0x00200010]);

/**
 * Problems with a de-identified output: an identifier with a value other than a dummy (or,
 * with `pseudonyms`, a hash pseudonym at the top level).
 */
export function outputProblems(output: Uint8Array, pseudonyms = false): string[] {
  const problems: string[] = [];
  const parser = new DicomParser();
  let watched: { tag: number; vr: Vr; parts: Uint8Array[] } | undefined;
  let identityRemoved = false;
  let depth = 0;
  let little = true;
  let current: { tag: number; parts: Uint8Array[] } | undefined;
  const see = (ev: DicomEvent) => {
    if (ev.kind === "metaEnd") little = ev.encoding.littleEndian;
    if (ev.kind === "sequenceStart" || ev.kind === "pixelSequenceStart") depth++;
    if (ev.kind === "sequenceEnd") depth--;
    if (ev.kind === "element") {
      watched = IDENTIFIER_TAGS.has(ev.tag) ? { tag: ev.tag, vr: ev.vr, parts: [] } : undefined;
      current = depth === 0 && ev.tag === 0x00120062 ? { tag: ev.tag, parts: [] } : undefined;
      if (watched && ev.length === 0) watched = undefined;
    } else if (ev.kind === "value") {
      current?.parts.push(ev.bytes.slice());
      if (ev.last && current) {
        identityRemoved = new TextDecoder().decode(concat(current.parts)).trim() === "YES";
        current = undefined;
      }
      if (!watched) return;
      watched.parts.push(ev.bytes.slice());
      if (!ev.last) return;
      const value = concat(watched.parts);
      const dummy = watched.vr === "UI" || watched.vr === "SQ"
        ? undefined
        : dummyValue(watched.vr, little);
      // A lying VR of UI makes the engine map the value as a UID: a keyed hash, not the value.
      const mapped = watched.vr === "UI" &&
        KEYED_UIDS.test(new TextDecoder("latin1").decode(value));
      const pseudonym = pseudonyms && depth === 0 && PSEUDONYM_TAGS.has(watched.tag) &&
        HASH_PSEUDONYM.test(new TextDecoder("latin1").decode(value).trim());
      if (!mapped && !pseudonym && (!dummy || !sameBytes(value, dummy))) {
        problems.push(`identifier ${hexTag(watched.tag)} has a ${value.length}-byte value`);
      }
      watched = undefined;
    }
  };
  for (const ev of parser.push(output)) see(ev);
  for (const ev of parser.finish()) see(ev);
  if (!identityRemoved) problems.push("output lacks (0012,0062) YES");
  return problems;
}

function hexTag(t: number): string {
  const s = t.toString(16).toUpperCase().padStart(8, "0");
  return `(${s.slice(0, 4)},${s.slice(4)})`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return firstDifference(a, b) === -1;
}
