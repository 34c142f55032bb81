/**
 * The rows of PS3.15 Table E.1-1 that the `minimal` profile applies, as the README defines them:
 * every person name (VR PN), patient and order identifiers, birth data, addresses, telephone and
 * telecom numbers, and the free-text fields names end up in. Written from that definition, not
 * copied from the engine; `minimal_rows_test.ts` shows both select the same rows.
 */
import { vrOf } from "../dicom/dictionary.ts";
import { parseTagMatch } from "./tag_match.ts";

/** Keywords of direct identifiers, by the README's list (PS3.6 keywords, no VR needed). */
const DIRECT = [
  // patient and order identifiers
  /PatientIDs?$/,
  /IssuerOfPatientID/,
  /AccessionNumber/,
  /^StudyID$/,
  /AdmissionID/,
  /ServiceEpisodeID/,
  /ProcedureStepID/,
  /RequestedProcedureID/,
  /OrderNumber/,
  /MedicalRecordLocator/,
  /OtherPatientIDsSequence/,
  /PersonIdentificationCodeSequence/,
  // birth data, people and service
  /PatientBirth/,
  /ResponsiblePerson$/,
  /MilitaryRank/,
  /BranchOfService/,
  // addresses and numbers
  /Address/,
  /Telephone/,
  /Telecom/,
  // free text where names end up
  /Description/,
  /Comments/,
  /History/,
  /Diagnos/,
  /ReasonFor/,
  /ProtocolName/,
  /Occupation/,
];

/** True when the `minimal` profile applies this Table E.1-1 row. */
export function isMinimalRow(row: string, keyword: string): boolean {
  if (DIRECT.some((re) => re.test(keyword))) return true;
  const match = parseTagMatch(row);
  return match !== undefined && match.mask === 0xffffffff && vrOf(match.value) === "PN";
}
