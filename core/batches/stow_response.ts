/**
 * The Store Instances Response (PS3.18 §10.5.3) as DICOM JSON (PS3.18 Annex F.2): Retrieve
 * URL (0008,1190) of the batch, Referenced SOP Sequence (0008,1199) for stored instances, each
 * with its download URL and Warning Reason B000 (it was de-identified: coerced), and Failed SOP
 * Sequence (0008,1198) with a Failure Reason (0008,1197) per part that was not stored.
 * Attributes are in tag order; a UID that is not known is present and empty.
 */
import { type FailedInstance, type StoredInstance, WARNING_COERCED } from "./stow.ts";

/** One DICOM JSON attribute. */
export interface JsonAttribute {
  readonly vr: string;
  readonly Value?: readonly unknown[];
}

/** A DICOM JSON dataset: tags as 8 upper-case hex digits. */
export type JsonDataset = Record<string, JsonAttribute>;

/** What the response reports. */
export interface StoreOutcome {
  readonly stored: readonly StoredInstance[];
  readonly failed: readonly FailedInstance[];
  /** Where the whole batch can be fetched (omitted when nothing was kept). */
  readonly retrieveUrl?: string;
  /** Where one stored file can be fetched. */
  readonly fileUrl: (path: string) => string;
}

/** Builds the response dataset. */
export function storeInstancesResponse(outcome: StoreOutcome): JsonDataset {
  const out: JsonDataset = {};
  if (outcome.retrieveUrl) out["00081190"] = { vr: "UR", Value: [outcome.retrieveUrl] };
  if (outcome.failed.length > 0) {
    out["00081198"] = {
      vr: "SQ",
      Value: outcome.failed.map((f) => ({
        "00081150": uid(f.sopClassUid),
        "00081155": uid(f.sopInstanceUid),
        "00081197": { vr: "US", Value: [f.reason] },
      })),
    };
  }
  if (outcome.stored.length > 0) {
    out["00081199"] = {
      vr: "SQ",
      Value: outcome.stored.map((s) => ({
        "00081150": uid(s.sopClassUid),
        "00081155": uid(s.sopInstanceUid),
        "00081190": { vr: "UR", Value: [outcome.fileUrl(s.path)] },
        "00081196": { vr: "US", Value: [WARNING_COERCED] },
      })),
    };
  }
  return out;
}

function uid(value: string | undefined): JsonAttribute {
  return value ? { vr: "UI", Value: [value] } : { vr: "UI" };
}
