import { padText } from "../dicom/file_meta.ts";
import { type DicomEvent, UNDEFINED_LENGTH } from "../dicom/events.ts";
import type { Tag } from "../dicom/tag.ts";
import type { Vr } from "../dicom/vr.ts";
import type { DeidMethodCode } from "./profile.ts";

/** Patient Identity Removed (0012,0062), PS3.3 §C.7.1.1. */
export const PATIENT_IDENTITY_REMOVED = 0x00120062;
/** De-identification Method (0012,0063). */
export const DEIDENTIFICATION_METHOD = 0x00120063;
/** De-identification Method Code Sequence (0012,0064). */
export const DEIDENTIFICATION_METHOD_CODES = 0x00120064;
/** Longitudinal Temporal Information Modified (0028,0303), PS3.15 §E.3.6. */
export const LONGITUDINAL_TEMPORAL_MODIFIED = 0x00280303;

/** Offset given to elements this engine adds (they have no place in the input). */
export const SYNTHETIC_OFFSET = -1;

/** What the output may claim about its de-identification (PS3.15 §E.1.1, PS3.3 §C.7.1.1). */
export interface IdentityClaim {
  /** YES only when a full profile ran with no user rule keeping or setting values. */
  readonly removed: boolean;
  /** Free-text description values, each at most 64 characters (LO). */
  readonly method: readonly string[];
  /** CID 7050 codes that hold for this output. */
  readonly codes: readonly DeidMethodCode[];
}

/** One element with a short ASCII value, as events. */
export function textElement(tag: Tag, vr: Vr, text: string): DicomEvent[] {
  const bytes = padText(text);
  const element: DicomEvent = {
    kind: "element",
    tag,
    vr,
    length: bytes.length,
    offset: SYNTHETIC_OFFSET,
  };
  return bytes.length ? [element, { kind: "value", bytes, last: true }] : [element];
}

/** The (0012,0062), (0012,0063) and (0012,0064) elements of a claim, in tag order. */
export function identityEvents(claim: IdentityClaim): DicomEvent[] {
  const method = claim.method.map((m) => m.slice(0, 64).replaceAll("\\", "/")).join("\\");
  const out: DicomEvent[] = [
    ...textElement(PATIENT_IDENTITY_REMOVED, "CS", claim.removed ? "YES" : "NO"),
    ...textElement(DEIDENTIFICATION_METHOD, "LO", method),
    {
      kind: "sequenceStart",
      tag: DEIDENTIFICATION_METHOD_CODES,
      vr: "SQ",
      length: UNDEFINED_LENGTH,
      offset: SYNTHETIC_OFFSET,
    },
  ];
  for (const code of claim.codes) {
    out.push({ kind: "itemStart", length: UNDEFINED_LENGTH, offset: SYNTHETIC_OFFSET });
    out.push(...textElement(0x00080100, "SH", code.value));
    out.push(...textElement(0x00080102, "SH", code.scheme));
    out.push(...textElement(0x00080104, "LO", code.meaning));
    out.push({ kind: "itemEnd" });
  }
  out.push({ kind: "sequenceEnd" });
  return out;
}

/** (0028,0303) saying whether dates were shifted (MODIFIED) or kept (UNMODIFIED). */
export function longitudinalEvents(modified: boolean): DicomEvent[] {
  return textElement(LONGITUDINAL_TEMPORAL_MODIFIED, "CS", modified ? "MODIFIED" : "UNMODIFIED");
}
