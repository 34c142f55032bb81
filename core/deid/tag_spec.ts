/**
 * Tag specs as users write them in `-t` rules and rule files: the Python tuple literals of
 * KitwareMedical/dicom-anonymizer ("(0x0010, 0x0020)", and its masked 4-tuple for ranges), plain
 * hex, PS3.6 keywords, and the x-nibble patterns of PS3.15 Table E.1-1 ("(60xx,3000)").
 */
import { keywordOf, tagOfKeyword } from "../dicom/dictionary.ts";
import { elementOf, formatTag, groupOf, type Tag } from "../dicom/tag.ts";
import { DeidPolicyError } from "./errors.ts";
import { compileTagPattern, type TagPattern } from "./profile.ts";

const TUPLE = /^\(([^()]*)\)$/;
// "0x" makes the number unambiguous, so any digit count is read, as Python's literal_eval does.
const PREFIXED = /^0x([0-9a-f]+)$/i;
// Without "0x" only exactly four digits: "(16, 32)" is decimal in Python, hex here, so refuse it.
const BARE = /^[0-9a-f]{4}$/i;
const NIBBLES = /^[0-9a-fx]{4}$/i;
const SINGLE = /^(?:0x)?([0-9a-f]{8})$/i;
const KEYWORD = /^[A-Za-z][A-Za-z0-9]*$/;
const FORMS = "(0x0010, 0x0020), (0010,0020), 0010,0020, 00100020, PatientID, (60xx,3000) " +
  "or (group, element, group mask, element mask)";

/** The spec as messages show it: quoted, and cut short so a pasted blob cannot flood a log. */
function show(spec: string): string {
  return JSON.stringify(spec.length > 60 ? `${spec.slice(0, 60)}…` : spec);
}

function fail(spec: string, why: string): never {
  throw new DeidPolicyError(`Tag spec ${show(spec)} ${why}`);
}

/** One tuple member: a 16-bit number, or the 4-character x-nibble text of a wildcard part. */
function member(spec: string, text: string): number | string {
  // "0x60" is Python's 0x0060, never the nibble pattern "0x60" (0?60): a prefix means a number.
  const prefixed = PREFIXED.exec(text);
  if (prefixed) {
    const n = parseInt(prefixed[1], 16);
    return n <= 0xffff ? n : fail(spec, `has ${text}, which exceeds 0xFFFF`);
  }
  if (BARE.test(text)) return parseInt(text, 16);
  if (NIBBLES.test(text)) return text.toUpperCase().replaceAll("X", "x");
  return fail(spec, `has ${show(text)}; write 4 hex digits or 0x followed by hex digits`);
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");

function tuple(spec: string, inner: string): TagPattern {
  const parts = inner.split(",").map((p) => member(spec, p.trim()));
  if (parts.length === 2) {
    const [g, e] = parts;
    if (typeof g === "number" && typeof e === "number") return exact(g * 0x10000 + e);
    const text = (p: number | string) => typeof p === "number" ? hex4(p) : p;
    return compileTagPattern(`(${text(g)},${text(e)})`);
  }
  if (parts.length !== 4) {
    fail(spec, `has ${parts.length} members; expected 2 (group, element) or 4 (with masks)`);
  }
  if (parts.some((p) => typeof p === "string")) fail(spec, "mixes x nibbles with masks");
  const [g, e, gMask, eMask] = parts as number[];
  // The reference tests (group & gMask) == group, which never holds when group has bits outside
  // the mask; the value is stored masked so the rule matches what the mask plainly selects.
  return {
    pattern: spec,
    value: (g & gMask) * 0x10000 + (e & eMask),
    mask: gMask * 0x10000 + eMask,
  };
}

function exact(t: Tag): TagPattern {
  return { pattern: formatTag(t), value: t, mask: 0xffffffff };
}

function keyword(spec: string): TagPattern {
  const t = tagOfKeyword(spec) ??
    fail(spec, "is not a PS3.6 keyword (keywords are case-sensitive)");
  // Repeating groups (PS3.5 §7.6, overlays 60xx, curves 50xx) share one keyword across groups:
  // "OverlayData" means every overlay plane, not only the first group that the lookup returns.
  if ((groupOf(t) & 0xff) === 0 && keywordOf(t + 0x20000) === spec) {
    return compileTagPattern(`(${hex4(groupOf(t)).slice(0, 2)}xx,${hex4(elementOf(t))})`);
  }
  return exact(t);
}

/**
 * Parses a tag spec into a pattern: "(0x0010, 0x0020)" (spaces and 0x optional, any case),
 * "0010,0020", "00100020", "0x00100020", a keyword ("PatientID"), an x-nibble pattern
 * ("(60xx,3000)") or the reference's masked "(0x2001, 0x1001, 0xFFFF, 0xFF00)". Throws
 * DeidPolicyError naming the spec for anything else.
 */
export function parseTagSpec(spec: string): TagPattern {
  const s = spec.trim();
  const single = SINGLE.exec(s);
  if (single) return exact(parseInt(single[1], 16));
  const inner = TUPLE.exec(s)?.[1] ?? (s.includes(",") && !/[()]/.test(s) ? s : undefined);
  if (inner !== undefined) return tuple(s, inner);
  if (KEYWORD.test(s)) return keyword(s);
  return fail(s || spec, `is not a tag; write ${FORMS}`);
}
