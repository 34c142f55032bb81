/**
 * Errors of the DICOM upper layer. Messages name the PDU, item or field and its byte offset,
 * never a value: AE titles and UIDs of a peer are not patient data, but datasets are.
 */

/** A-ABORT reasons a service provider gives (PS3.8 §9.3.8, Table 9-26). */
export const ABORT_REASON = {
  notSpecified: 0,
  unrecognizedPdu: 1,
  unexpectedPdu: 2,
  unrecognizedParameter: 4,
  unexpectedParameter: 5,
  invalidParameter: 6,
} as const;

/** A peer broke the upper-layer protocol (PS3.8 §9): the association is aborted. */
export class DimseProtocolError extends SyntaxError {
  /** The A-ABORT reason to send (see {@link ABORT_REASON}). */
  readonly reason: number;

  /** `message` names what was wrong and where, without values. */
  constructor(message: string, reason: number = ABORT_REASON.invalidParameter) {
    super(message);
    this.name = "DimseProtocolError";
    this.reason = reason;
  }
}
