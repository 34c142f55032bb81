/**
 * Data dictionary lookups (PS3.6): the VR used to read Implicit VR data, and keywords.
 * The table is parsed from the generated `dictionary_data.ts` once, on first use.
 */
import { EXACT_ENTRIES, RANGE_ENTRIES } from "./dictionary_data.ts";
import { elementOf, groupOf, isPrivateCreator, type Tag } from "./tag.ts";
import { isVr, type Vr } from "./vr.ts";

// What dcmjs's codes for entries with more than one VR mean when the VR is not in the stream.
const AMBIGUOUS_VR: Readonly<Record<string, Vr>> = {
  // OB or OW: Pixel Data, Overlay Data, Waveform Data and kin are OW in Implicit VR Little
  // Endian (PS3.5 §A.1); the palette LUT data (0028,1201-1203/1221-1223) are plain OW already.
  ox: "OW",
  // US or SS: the bytes are identical; the sign follows Pixel Representation (0028,0103), which
  // only a consumer that interprets the number needs.
  xs: "US",
  // US or SS or OW: dcmjs uses it only for LUT Data (0028,3006) and the retired Gray LUT Data
  // (0028,1200). OW, because a table can outgrow the 16-bit length US has in Explicit VR.
  lt: "OW",
  // A DICOMDIR record offset (0004,1200/1202/1400/1420/1504): a UL with a meaning.
  up: "UL",
  // Item and delimiters (FFFE,xxxx) have no VR; the caller handles them before any lookup.
  na: "UN",
};

interface Tables {
  vrs: Map<Tag, Vr>;
  keywords: Map<Tag, string>;
  tags: Map<string, Tag>;
  // For each wildcard mask (e.g. 0xFF00FFFF for 60xx), the entries keyed by masked tag.
  ranges: Map<number, Map<Tag, { vr: Vr; keyword?: string }>>;
}

// Built from constant data on first use, so a program that never reads Implicit VR pays nothing.
let tables: Tables | undefined;

/** The VR to read an Implicit VR element with (PS3.5 §A.1); `UN` when the tag is unknown. */
export function vrOf(t: Tag): Vr {
  const d = load();
  const vr = d.vrs.get(t);
  if (vr !== undefined) return vr;
  // Group length (gggg,0000), retired but still written by old software (PS3.5 §7.2).
  if (elementOf(t) === 0) return "UL";
  // Odd groups are private (PS3.5 §7.8.1): only the creator's VR is known.
  if (groupOf(t) & 1) return isPrivateCreator(t) ? "LO" : "UN";
  return rangeEntry(d, t)?.vr ?? "UN";
}

/** The PS3.6 keyword of a tag ("PatientName"); repeating groups give the base keyword. */
export function keywordOf(t: Tag): string | undefined {
  const d = load();
  if (d.vrs.has(t)) return d.keywords.get(t);
  if (elementOf(t) === 0 || groupOf(t) & 1) return undefined;
  return rangeEntry(d, t)?.keyword;
}

/** The tag of a PS3.6 keyword (exact, case-sensitive); repeating groups give their first group. */
export function tagOfKeyword(keyword: string): Tag | undefined {
  return load().tags.get(keyword);
}

function rangeEntry(d: Tables, t: Tag) {
  for (const [mask, entries] of d.ranges) {
    const entry = entries.get((t & mask) >>> 0);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

function load(): Tables {
  if (tables !== undefined) return tables;
  const d: Tables = {
    vrs: new Map(),
    keywords: new Map(),
    tags: new Map(),
    ranges: new Map(),
  };
  for (const [tagText, code, keyword] of rows(EXACT_ENTRIES)) {
    const t = parseInt(tagText, 16);
    d.vrs.set(t, implicitVr(code));
    if (keyword !== undefined) {
      d.keywords.set(t, keyword);
      d.tags.set(keyword, t);
    }
  }
  for (const [tagText, code, keyword] of rows(RANGE_ENTRIES)) {
    // "60xx3000" → base 0x60003000, mask 0xFF00FFFF.
    const base = parseInt(tagText.replaceAll("x", "0"), 16);
    const mask = parseInt(
      tagText.replace(/[^x]/g, "F").replaceAll("x", "0"),
      16,
    );
    let entries = d.ranges.get(mask);
    if (entries === undefined) d.ranges.set(mask, entries = new Map());
    entries.set(base, { vr: implicitVr(code), keyword });
    if (keyword !== undefined) d.tags.set(keyword, base);
  }
  return tables = d;
}

function* rows(text: string): Generator<string[]> {
  for (const line of text.split("\n")) if (line !== "") yield line.split(" ");
}

function implicitVr(code: string): Vr {
  const vr = isVr(code) ? code : AMBIGUOUS_VR[code];
  // Only a broken regeneration can get here; the message names the code, not a DICOM value.
  if (vr === undefined) {
    throw new Error(`dictionary_data.ts has an unknown VR code "${code}"`);
  }
  return vr;
}
