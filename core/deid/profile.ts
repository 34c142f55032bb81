/**
 * De-identification profiles: which PS3.15 Annex E action applies to a tag. Pure lookups over the
 * generated tables; the engine applies the actions and decides private attributes itself.
 */
import type { Tag } from "../dicom/tag.ts";
import { DeidPolicyError } from "./errors.ts";
import {
  BASIC_PROFILE_ROWS,
  OPTION_COLUMNS,
  PRIVATE_ATTRIBUTES_ROW,
} from "./tables/basic_profile.ts";
import { KITWARE_2023 } from "./tables/kitware_2023.ts";
import { KITWARE_2024B } from "./tables/kitware_2024b.ts";

/** The action codes of PS3.15 §E.1.1 (Table E.1-1): Basic Profile codes plus option K/C. */
export type ActionCode =
  | "D"
  | "Z"
  | "X"
  | "K"
  | "C"
  | "U"
  | "Z/D"
  | "X/Z"
  | "X/D"
  | "X/Z/D"
  | "X/Z/U*";

/** CID 7050 "De-identification Method" (PS3.16), scheme DCM: code value to code meaning. */
export const CID_7050 = {
  "113100": "Basic Application Confidentiality Profile",
  "113101": "Clean Pixel Data Option",
  "113102": "Clean Recognizable Visual Features Option",
  "113103": "Clean Graphics Option",
  "113104": "Clean Structured Content Option",
  "113105": "Clean Descriptors Option",
  "113106": "Retain Longitudinal Temporal Information Full Dates Option",
  "113107": "Retain Longitudinal Temporal Information Modified Dates Option",
  "113108": "Retain Patient Characteristics Option",
  "113109": "Retain Device Identity Option",
  "113110": "Retain UIDs Option",
  "113111": "Retain Safe Private Option",
  "113112": "Retain Institution Identity Option",
} as const;

/** The ps315-basic options (PS3.15 §E.3), each with its Table E.1-1 column and CID 7050 code. */
export const PROFILE_OPTIONS = {
  "retain-safe-private": { column: "rtn_safe_priv", code: "113111" },
  "retain-uids": { column: "rtn_uids", code: "113110" },
  "retain-device-id": { column: "rtn_dev_id", code: "113109" },
  "retain-institution-id": { column: "rtn_inst_id", code: "113112" },
  "retain-patient-chars": { column: "rtn_pat_chars", code: "113108" },
  "retain-long-full-dates": { column: "rtn_long_full_dates", code: "113106" },
  "retain-long-modified-dates": { column: "rtn_long_modif_dates", code: "113107" },
  "clean-descriptors": { column: "clean_desc", code: "113105" },
  "clean-structured-content": { column: "clean_struct_cont", code: "113104" },
  "clean-graphics": { column: "clean_graph", code: "113103" },
} as const satisfies Record<string, { column: string; code: keyof typeof CID_7050 }>;

/** An option id of the ps315-basic profile. */
export type OptionId = keyof typeof PROFILE_OPTIONS;

/** Canonical profile ids; dicomfields_* follow KitwareMedical/dicom-anonymizer's groups. */
export type ProfileId = "dicomfields_2023" | "dicomfields_2024b" | "ps315-basic";

/** The profile used when none is named. */
export const DEFAULT_PROFILE: ProfileId = "dicomfields_2023";

/** Accepted alternative names for the canonical profile ids. */
export const PROFILE_ALIASES: Readonly<Record<string, ProfileId>> = {
  "kitware-2023": "dicomfields_2023",
  "kitware-2024b": "dicomfields_2024b",
};

/** The action a profile assigns to a tag, with the table row and column it came from. */
export interface ProfileAction {
  readonly code: ActionCode;
  /** The Table E.1-1 row's tag pattern, e.g. "(0010,0020)" or "(60xx,3000)". */
  readonly row: string;
  readonly column: "basic" | OptionId | `kitware:${string}`;
}

/** A coded entry for De-identification Method Code Sequence (0012,0064), PS3.15 §E.1.1. */
export interface DeidMethodCode {
  readonly value: string;
  readonly scheme: "DCM";
  readonly meaning: string;
}

/** The private-attributes row of Table E.1-1 (odd groups), left for the engine to apply. */
export interface PrivateRowInfo {
  readonly row: string;
  readonly basic: ActionCode;
  readonly options: Readonly<Partial<Record<OptionId, "K" | "C">>>;
  /** The row's action under the selected options (C when retain-safe-private is selected). */
  readonly action: ProfileAction;
}

/** A profile with its options applied, ready for per-tag lookups. */
export interface ResolvedProfile {
  readonly id: ProfileId;
  readonly edition: string;
  readonly options: readonly OptionId[];
  /** Only ps315-basic has one; the Kitware groups have no private-attributes rule. */
  readonly privateRow?: PrivateRowInfo;
  /** The action for a standard tag, or undefined when the profile does not list it. */
  actionFor(tag: Tag): ProfileAction | undefined;
  /** Every tag pattern of the profile (the reference tool's ALL_TAGS). */
  allTags(): readonly string[];
  /** The CID 7050 codes this profile and its options claim: 113100 plus one per option. */
  codes(): readonly DeidMethodCode[];
}

/** A compiled tag pattern: tag t matches when `((t & mask) >>> 0) === value`. */
export interface TagPattern {
  readonly pattern: string;
  readonly value: number;
  readonly mask: number;
}

const PATTERN = /^\(([0-9A-Fa-fxX]{4}),([0-9A-Fa-fxX]{4})\)$/;

function nibbles(s: string): [value: number, mask: number] {
  let value = 0, mask = 0;
  for (const ch of s) {
    const wild = ch === "x" || ch === "X";
    value = value * 16 + (wild ? 0 : parseInt(ch, 16));
    mask = mask * 16 + (wild ? 0 : 0xf);
  }
  return [value, mask];
}

/**
 * Compiles "(gggg,eeee)" with x for any nibble. A group ending in "xx" is a repeating group
 * (PS3.5 §7.6: even groups gg00-gg1E only), so its mask keeps bit 0 and bits 5-7 of the group:
 * "(60xx,3000)" matches (6000,3000)-(601E,3000) but not (6001,3000) (private) or (6020,3000).
 */
export function compileTagPattern(pattern: string): TagPattern {
  const m = PATTERN.exec(pattern);
  if (!m) throw new DeidPolicyError(`Tag pattern ${JSON.stringify(pattern)} is not (gggg,eeee)`);
  const [gValue, gNibbleMask] = nibbles(m[1]);
  const [eValue, eMask] = nibbles(m[2]);
  const gMask = /^[0-9A-Fa-f]{2}[xX]{2}$/.test(m[1]) ? 0xffe1 : gNibbleMask;
  return { pattern, value: gValue * 0x10000 + eValue, mask: gMask * 0x10000 + eMask };
}

/** True when the tag matches the compiled pattern. */
export function matchesTagPattern(p: TagPattern, t: Tag): boolean {
  return ((t & p.mask) >>> 0) === p.value;
}

/** Exact tags in a Map (O(1)); the few masked patterns (curves, overlays) scanned in order. */
function lookupTable(entries: readonly (readonly [string, ProfileAction])[]) {
  const exact = new Map<number, ProfileAction>();
  const masked: [TagPattern, ProfileAction][] = [];
  for (const [pattern, action] of entries) {
    const p = compileTagPattern(pattern);
    if (p.mask === 0xffffffff) exact.set(p.value, action);
    else masked.push([p, action]);
  }
  return (t: Tag) => exact.get(t) ?? masked.find(([p]) => matchesTagPattern(p, t))?.[1];
}

function methodCodes(options: readonly OptionId[]): DeidMethodCode[] {
  const values = ["113100", ...options.map((o) => PROFILE_OPTIONS[o].code)] as const;
  return values.map((value) => ({ value, scheme: "DCM", meaning: CID_7050[value] }));
}

const KITWARE_CODES = {
  D_TAGS: "D",
  Z_TAGS: "Z",
  X_TAGS: "X",
  U_TAGS: "U",
  Z_D_TAGS: "Z/D",
  X_Z_TAGS: "X/Z",
  X_D_TAGS: "X/D",
  X_Z_D_TAGS: "X/Z/D",
  X_Z_U_STAR_TAGS: "X/Z/U*",
} as const satisfies Record<keyof typeof KITWARE_2023, ActionCode>;

function kitwareProfile(
  id: ProfileId,
  edition: string,
  groups: Readonly<Record<keyof typeof KITWARE_CODES, readonly string[]>>,
): ResolvedProfile {
  const entries = Object.entries(KITWARE_CODES).flatMap(([group, code]) =>
    groups[group as keyof typeof KITWARE_CODES].map((row) =>
      [row, { code, row, column: `kitware:${group}` }] as const
    )
  );
  const lookup = lookupTable(entries);
  const all = entries.map(([row]) => row);
  const codes = methodCodes([]);
  return { id, edition, options: [], actionFor: lookup, allTags: () => all, codes: () => codes };
}

/**
 * The action of one Table E.1-1 row under the selected options. An option that changes the row
 * overrides the Basic Profile code (PS3.15 §E.1.1: "A requirement for an Option, when
 * implemented, overrides any requirement for the underlying Profile"). The standard does not
 * rank options against each other; when selected options disagree, K (keep) wins over C (clean).
 * A Retain option is an explicit request that the attribute "shall be retained" (§E.3.7-E.3.11),
 * while Clean Descriptors (§E.3.5) removes only information "specified to be removed by the
 * Profile and any other Options", which a retained attribute is not. The one hard clash left is
 * Retain Device Identity K against Modified Dates C on 11 calibration/manufacture date rows:
 * those describe the device, not the patient's timeline, so they are kept. Full and modified
 * dates together are refused in checkOptions(). Among equal codes the first column names it.
 */
function rowAction(
  row: string,
  basic: ActionCode,
  optionCodes: string,
  selected: readonly OptionId[],
): ProfileAction {
  let chosen: ProfileAction = { code: basic, row, column: "basic" };
  for (const option of selected) {
    const code = optionCodes[OPTION_COLUMNS.indexOf(PROFILE_OPTIONS[option].column)];
    if (code === "K" && chosen.code !== "K") chosen = { code, row, column: option };
    if (code === "C" && chosen.column === "basic") chosen = { code, row, column: option };
  }
  return chosen;
}

function basicProfile(selected: readonly OptionId[]): ResolvedProfile {
  const entries = BASIC_PROFILE_ROWS.map(([row, , , basic, codes]) =>
    [row, rowAction(row, basic, codes, selected)] as const
  );
  const [privRow, , , privBasic, privCodes] = PRIVATE_ATTRIBUTES_ROW;
  const privOptions: Partial<Record<OptionId, "K" | "C">> = {};
  for (const option of Object.keys(PROFILE_OPTIONS) as OptionId[]) {
    const code = privCodes[OPTION_COLUMNS.indexOf(PROFILE_OPTIONS[option].column)];
    if (code === "K" || code === "C") privOptions[option] = code;
  }
  const privateRow: PrivateRowInfo = {
    row: privRow,
    basic: privBasic,
    options: privOptions,
    action: rowAction(privRow, privBasic, privCodes, selected),
  };
  const all = BASIC_PROFILE_ROWS.map(([row]) => row);
  const codes = methodCodes(selected);
  return {
    id: "ps315-basic",
    edition: "2024b+2026d",
    options: selected,
    privateRow,
    actionFor: lookupTable(entries),
    allTags: () => all,
    codes: () => codes,
  };
}

const ALL_IDS = [
  "dicomfields_2023",
  "dicomfields_2024b",
  "ps315-basic",
  ...Object.keys(PROFILE_ALIASES),
];

/** Canonical options in table column order, or DeidPolicyError for unknown or clashing ones. */
function checkOptions(options: readonly string[]): OptionId[] {
  const known = Object.keys(PROFILE_OPTIONS) as OptionId[];
  const bad = options.filter((o) => !Object.hasOwn(PROFILE_OPTIONS, o));
  if (bad.length > 0) {
    throw new DeidPolicyError(
      `Unknown de-identification option ${bad.join(", ")}; valid options: ${known.join(", ")}`,
    );
  }
  const selected = known.filter((o) => options.includes(o));
  // §E.3.6: full dates set (0028,0303) to UNMODIFIED, modified dates to MODIFIED; not both.
  if (
    selected.includes("retain-long-full-dates") && selected.includes("retain-long-modified-dates")
  ) {
    throw new DeidPolicyError(
      "Options retain-long-full-dates and retain-long-modified-dates exclude each other",
    );
  }
  return selected;
}

/**
 * Resolves a profile id or alias and its options; throws DeidPolicyError when invalid. Each call
 * compiles the tables (under a millisecond), so callers resolve once per job, not per file.
 */
export function resolveProfile(id: string, options: readonly string[] = []): ResolvedProfile {
  const canonical = Object.hasOwn(PROFILE_ALIASES, id) ? PROFILE_ALIASES[id] : id;
  if (canonical === "ps315-basic") return basicProfile(checkOptions(options));
  if (canonical !== "dicomfields_2023" && canonical !== "dicomfields_2024b") {
    throw new DeidPolicyError(
      `Unknown de-identification profile ${JSON.stringify(id)}; valid: ${ALL_IDS.join(", ")}`,
    );
  }
  if (options.length > 0) {
    throw new DeidPolicyError(
      `Profile ${canonical} has no options (got ${options.join(", ")}); options need ps315-basic`,
    );
  }
  return canonical === "dicomfields_2023"
    ? kitwareProfile(canonical, "2023", KITWARE_2023)
    : kitwareProfile(canonical, "2024b", KITWARE_2024B);
}
