import { BASIC_PROFILE_ROWS } from "./tables/basic_profile.ts";
import { compileTagPattern, type ProfileAction } from "./profile.ts";
import type { ProfileSource } from "./policy.ts";
import type { Tag } from "../dicom/tag.ts";
import { vrOf } from "../dicom/dictionary.ts";

/**
 * The `minimal` profile (the reference web app's lightweight mode) applies the PS3.15 Table
 * E.1-1 rows of direct identifiers only, with their Basic Profile codes: every person name
 * (VR PN), patient and order identifiers, birth data, addresses and phone numbers, and the
 * free-text fields where such names end up (descriptions, comments, histories, reasons).
 * Dates and times, UIDs, institution and device data are kept; private groups are removed as
 * in every profile. It does NOT claim Patient Identity Removed.
 */
const DIRECT_IDENTIFIER = new RegExp(
  [
    "PatientIDs?$",
    "IssuerOfPatientID",
    "AccessionNumber",
    "^StudyID$",
    "AdmissionID",
    "ServiceEpisodeID",
    "ProcedureStepID",
    "RequestedProcedureID",
    "OrderNumber",
    "MedicalRecordLocator",
    "PatientBirth",
    "ResponsiblePerson$",
    "MilitaryRank",
    "BranchOfService",
    "PersonIdentificationCodeSequence",
    "OtherPatientIDsSequence",
    "Address",
    "Telephone",
    "Telecom",
    "Description",
    "Comments",
    "History",
    "Diagnos",
    "ReasonFor",
    "ProtocolName",
    "Occupation",
  ].join("|"),
);

/** True for a row the minimal profile applies. */
function isDirectIdentifier(pattern: string, keyword: string): boolean {
  const p = compileTagPattern(pattern);
  return DIRECT_IDENTIFIER.test(keyword) || (p.mask === 0xffffffff && vrOf(p.value) === "PN");
}

/** Rows of the minimal profile: [pattern, keyword, code] from Table E.1-1. */
export function minimalRows(): readonly (readonly [string, string, string])[] {
  return BASIC_PROFILE_ROWS.filter(([tag, keyword]) => isDirectIdentifier(tag, keyword)).map((
    [tag, keyword, , basic],
  ) => [tag, keyword, basic] as const);
}

/** The `minimal` profile as a policy source: its rows keep their Basic Profile codes. */
export function minimalProfile(): ProfileSource {
  const exact = new Map<Tag, ProfileAction>();
  const masked: { value: number; mask: number; action: ProfileAction }[] = [];
  for (const [pattern, , code] of minimalRows()) {
    const p = compileTagPattern(pattern);
    const action = { code, row: pattern, column: "basic" } as ProfileAction;
    if (p.mask === 0xffffffff) exact.set(p.value, action);
    else masked.push({ value: p.value, mask: p.mask, action });
  }
  return {
    id: "minimal",
    edition: "2024b",
    options: [],
    actionFor: (tag) =>
      exact.get(tag) ?? masked.find((m) => ((tag & m.mask) >>> 0) === m.value)?.action,
    codes: () => [],
  };
}
