/**
 * The top-level elements the engine writes itself (PS3.15 §E.1.1, §E.3.6): Patient Identity
 * Removed, De-identification Method and its Code Sequence (0012,0062-0064), and Longitudinal
 * Temporal Information Modified (0028,0303) when a dates option is chosen. What is inserted,
 * where in tag order, and that an input's own copy is removed instead of doubled.
 */
import type { DicomEvent } from "../dicom/events.ts";
import type { Tag } from "../dicom/tag.ts";
import {
  DEIDENTIFICATION_METHOD,
  DEIDENTIFICATION_METHOD_CODES,
  type IdentityClaim,
  identityEvents,
  LONGITUDINAL_TEMPORAL_MODIFIED,
  longitudinalEvents,
  PATIENT_IDENTITY_REMOVED,
} from "./identity.ts";

/** Elements this engine writes in every output. */
const ALWAYS_WRITTEN = new Set([
  PATIENT_IDENTITY_REMOVED,
  DEIDENTIFICATION_METHOD,
  DEIDENTIFICATION_METHOD_CODES,
]);

/**
 * Whether (0028,0303) is written and what it says, from the profile's options: MODIFIED
 * when dates are shifted, UNMODIFIED when kept, absent when no dates option is chosen.
 */
export function longitudinalFor(options: readonly string[]): boolean | undefined {
  if (options.includes("retain-long-modified-dates")) return true;
  if (options.includes("retain-long-full-dates")) return false;
  return undefined;
}

/** Inserts the engine's own elements once each, at their place in the top-level tag order. */
export class OwnElements {
  readonly #longitudinal: boolean | undefined;
  #identityDone = false;
  #longitudinalDone = false;

  /** `options`: the profile's PS3.15 options (they decide whether (0028,0303) is written). */
  constructor(options: readonly string[]) {
    this.#longitudinal = longitudinalFor(options);
  }

  /** True when the engine writes `tag` itself, so the input's own element is removed. */
  replaces(tag: Tag): boolean {
    return ALWAYS_WRITTEN.has(tag) ||
      (tag === LONGITUDINAL_TEMPORAL_MODIFIED && this.#longitudinal !== undefined);
  }

  /**
   * The next of our elements due before top-level tag `nextTag` (0xFFFFFFFF at the end), as
   * events, in tag order and once each; undefined when none is due. Call until undefined.
   */
  next(nextTag: Tag, claim: IdentityClaim): DicomEvent[] | undefined {
    if (!this.#identityDone && nextTag > DEIDENTIFICATION_METHOD_CODES) {
      this.#identityDone = true;
      return identityEvents(claim);
    }
    if (
      !this.#longitudinalDone && this.#longitudinal !== undefined &&
      nextTag > LONGITUDINAL_TEMPORAL_MODIFIED
    ) {
      this.#longitudinalDone = true;
      return longitudinalEvents(this.#longitudinal);
    }
    return undefined;
  }
}
