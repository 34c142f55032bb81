/**
 * Why a file has no preview. The message is our own words (a known transfer syntax name, a
 * tag, a limit), never an attribute value: a hostile file could put a patient name in any
 * string, so an unknown Photometric Interpretation is named by its tag only.
 */
export class PreviewUnavailableError extends Error {
  /** False when trying again later may succeed (the time limit was hit under load). */
  readonly lasting: boolean;

  /** `reason` reads after "No preview: ", e.g. "compressed (JPEG XL), no decoder here". */
  constructor(reason: string, lasting = true) {
    super(reason);
    this.name = "PreviewUnavailableError";
    this.lasting = lasting;
  }
}
