/**
 * What a profile demands of each attribute of an OUTPUT, read straight from the generated tables
 * (Kitware dicomfields groups, PS3.15 Table E.1-1 with its option columns) with verify's own
 * reading of the action codes. The engine decides what to write; this decides what may be read.
 *
 * | code                          | element in the output              | sequence in the output     |
 * | ----------------------------- | ---------------------------------- | -------------------------- |
 * | X                             | absent                             | absent                     |
 * | Z, X/Z                        | absent or zero length              | absent or no items         |
 * | X/Z/U*                        | UI: a new UID; else absent or empty| kept, checked inside       |
 * | D, U, Z/D, X/D, X/Z/D         | UI: a new UID; else any value      | kept, checked inside       |
 * | C                             | UI: a new UID or empty; else any   | kept, checked inside       |
 * | K (an option keeps it)        | anything                           | kept, checked inside       |
 *
 * Where this differs from a literal reading: Z asks for a zero-length attribute, but verify
 * cannot know whether the input had it, so absence passes. D on a sequence (e.g. a code sequence)
 * cannot be a "dummy sequence": it is kept and every element inside meets its own row, which is
 * what PS3.15 §E.1.1 asks of the items' contents too. "Any value" is not "the original value":
 * dummies and cleaned text are checked by `--phi-list`, UIDs by their hashes in the manifest.
 */
import { vrOf } from "../dicom/dictionary.ts";
import type { Tag } from "../dicom/tag.ts";
import { BASIC_PROFILE_ROWS, OPTION_COLUMNS } from "../deid/tables/basic_profile.ts";
import { KITWARE_2023 } from "../deid/tables/kitware_2023.ts";
import { KITWARE_2024B } from "../deid/tables/kitware_2024b.ts";
import { isMinimalRow } from "./minimal_rows.ts";
import { type ProfileChoice, VERIFY_OPTIONS } from "./profiles.ts";
import { parseTagMatch, TagTable } from "./tag_match.ts";

/** What an attribute may look like in an output. */
export type Demand = "absent" | "empty" | "new-uid" | "any";

/** The table row that applies to a tag, with the code the selected options leave. */
export interface RowCode {
  /** Action code: D, Z, X, U, Z/D, X/Z, X/D, X/Z/D, X/Z/U*, or K/C from an option column. */
  readonly code: string;
  /** The row's tag pattern as the table spells it. */
  readonly row: string;
}

const KITWARE_CODE: Readonly<Record<string, string>> = {
  D_TAGS: "D",
  Z_TAGS: "Z",
  X_TAGS: "X",
  U_TAGS: "U",
  Z_D_TAGS: "Z/D",
  X_Z_TAGS: "X/Z",
  X_D_TAGS: "X/D",
  X_Z_D_TAGS: "X/Z/D",
  X_Z_U_STAR_TAGS: "X/Z/U*",
};

/**
 * The code of a Table E.1-1 row under the selected options: an option's K or C overrides the
 * Basic code (§E.1.1), and when selected options disagree K wins (README "Profiles").
 */
function optionCode(basic: string, columns: string, options: readonly string[]): string {
  const codes = options.map((o) => columns[OPTION_COLUMNS.indexOf(VERIFY_OPTIONS[o].column)]);
  return codes.includes("K") ? "K" : codes.includes("C") ? "C" : basic;
}

/** Builds the per-tag row lookup of a profile; tags it does not list get undefined. */
export function profileRows(choice: ProfileChoice): (tag: Tag) => RowCode | undefined {
  const table = new TagTable<RowCode>();
  const add = (row: string, code: string) => {
    const match = parseTagMatch(row);
    if (!match) throw new Error(`generated table has an unreadable row ${row}`);
    table.add(match, { code, row });
  };
  if (choice.id === "dicomfields_2023" || choice.id === "dicomfields_2024b") {
    const groups = choice.id === "dicomfields_2023" ? KITWARE_2023 : KITWARE_2024B;
    for (const [group, rows] of Object.entries(groups)) {
      for (const row of rows) add(row, KITWARE_CODE[group]);
    }
  } else {
    for (const [row, keyword, , basic, columns] of BASIC_PROFILE_ROWS) {
      if (choice.id === "minimal" && !isMinimalRow(row, keyword)) continue;
      add(row, choice.id === "minimal" ? basic : optionCode(basic, columns, choice.options));
    }
  }
  return (tag) => table.get(tag);
}

/** What a non-sequence element under `code` may look like, given its VR in the output. */
export function elementDemand(code: string, isUid: boolean): Demand {
  switch (code) {
    case "X":
      return "absent";
    case "Z":
    case "X/Z":
      return "empty";
    case "X/Z/U*":
      return isUid ? "new-uid" : "empty";
    case "K":
      return "any";
    default: // D, U, Z/D, X/D, X/Z/D, C
      return isUid ? "new-uid" : "any";
  }
}

/** What a sequence under `code` may look like: gone, without items, or kept (checked inside). */
export function sequenceDemand(code: string): Exclude<Demand, "new-uid"> {
  if (code === "X") return "absent";
  return code === "Z" || code === "X/Z" ? "empty" : "any";
}

/** The VR verify judges an element by: a UN's dictionary VR, since the engine decides by it. */
export function judgedVr(tag: Tag, vr: string): string {
  return vr === "UN" ? vrOf(tag) : vr;
}
