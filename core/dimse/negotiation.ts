/**
 * What this SCP accepts (PS3.8 §9.3.3, PS3.7 Annex D.3): its own called AE title, optionally
 * only listed calling AE titles, Verification, and Storage SOP classes in the transfer
 * syntaxes the codec reads. For each context the proposer's first supported transfer syntax
 * wins, so a modality's preferred (often compressed) syntax arrives as it was sent.
 */
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from "../dicom/file_meta.ts";
import {
  DEFLATED_EXPLICIT_VR_LE,
  EXPLICIT_VR_BE,
  EXPLICIT_VR_LE,
  IMPLICIT_VR_LE,
} from "../dicom/transfer_syntax.ts";
import {
  type AnsweredContext,
  APPLICATION_CONTEXT,
  type AssociateAc,
  type AssociateRq,
  CONTEXT_RESULT,
} from "./association.ts";

/** Verification SOP Class, the C-ECHO service (PS3.4 Annex A). */
export const VERIFICATION_SOP_CLASS = "1.2.840.10008.1.1";

/** A-ASSOCIATE-RJ fields (PS3.8 Table 9-21). */
export interface Rejection {
  readonly result: 1 | 2;
  readonly source: 1 | 2 | 3;
  readonly reason: number;
  /** For the log: which rule refused (no values). */
  readonly why: string;
}

/** An accepted context: what was agreed for its id. */
export interface AgreedContext {
  readonly abstractSyntax: string;
  readonly transferSyntax: string;
}

/** The outcome of negotiating an A-ASSOCIATE-RQ. */
export type Negotiation =
  | { kind: "accept"; ac: AssociateAc; contexts: Map<number, AgreedContext> }
  | { kind: "reject"; rejection: Rejection };

/** What the SCP is configured to accept. */
export interface AcceptPolicy {
  readonly aeTitle: string;
  /** Empty: any calling AE title. */
  readonly callingAeTitles: readonly string[];
  /** The maximum P-DATA-TF length we receive, announced in the A-ASSOCIATE-AC. */
  readonly maxPduLength: number;
}

const NATIVE = [EXPLICIT_VR_LE, IMPLICIT_VR_LE, EXPLICIT_VR_BE, DEFLATED_EXPLICIT_VR_LE];
// Storage SOP classes outside the 1.2.840.10008.5.1.4.1.1 arc (PS3.4 Table B.5-1): RT
// delivery instructions, hanging protocols, color palettes, implant templates.
const OTHER_STORAGE = new Set([
  "1.2.840.10008.5.1.4.34.7",
  "1.2.840.10008.5.1.4.34.10",
  "1.2.840.10008.5.1.4.38.1",
  "1.2.840.10008.5.1.4.39.1",
  "1.2.840.10008.5.1.4.43.1",
  "1.2.840.10008.5.1.4.44.1",
  "1.2.840.10008.5.1.4.45.1",
]);

/** True for a standard Storage SOP class (PS3.4 Annex B). Private classes are refused. */
export function isStorageSopClass(uid: string): boolean {
  return uid.startsWith("1.2.840.10008.5.1.4.1.1.") || OTHER_STORAGE.has(uid);
}

/**
 * True for a transfer syntax the codec reads: the four native ones and the encapsulated ones
 * (PS3.5 §A.4: JPEG family, RLE, MPEG/HEVC, HTJ2K, deflated image frames, encapsulated
 * uncompressed). JPIP Referenced Deflate (4.95, 4.205) is refused: a deflated dataset that the
 * codec would read as plain Explicit VR.
 */
export function isSupportedTransferSyntax(uid: string): boolean {
  if (NATIVE.includes(uid)) return true;
  if (uid === "1.2.840.10008.1.2.4.95" || uid === "1.2.840.10008.1.2.4.205") return false;
  return /^1\.2\.840\.10008\.1\.2\.(4\.\d{2,3}|5|1\.98|8\.1)$/.test(uid);
}

/** Decides an A-ASSOCIATE-RQ: a rejection, or the A-ASSOCIATE-AC and the agreed contexts. */
export function negotiate(rq: AssociateRq, policy: AcceptPolicy): Negotiation {
  const reject = (result: 1 | 2, source: 1 | 2 | 3, reason: number, why: string) => ({
    kind: "reject" as const,
    rejection: { result, source, reason, why },
  });
  if ((rq.protocolVersion & 1) === 0) return reject(1, 2, 2, "protocol version");
  if (rq.applicationContext !== APPLICATION_CONTEXT) {
    return reject(1, 1, 2, "application context name");
  }
  if (rq.calledAe !== policy.aeTitle) return reject(1, 1, 7, "called AE title");
  if (policy.callingAeTitles.length && !policy.callingAeTitles.includes(rq.callingAe)) {
    return reject(1, 1, 3, "calling AE title");
  }
  const contexts = new Map<number, AgreedContext>();
  const answered: AnsweredContext[] = rq.contexts.map((c) => {
    const verification = c.abstractSyntax === VERIFICATION_SOP_CLASS;
    if (!verification && !isStorageSopClass(c.abstractSyntax)) {
      return { id: c.id, result: CONTEXT_RESULT.abstractSyntaxNotSupported, transferSyntax: "" };
    }
    const ts = c.transferSyntaxes.find((t) =>
      verification ? NATIVE.includes(t) : isSupportedTransferSyntax(t)
    );
    if (ts === undefined) {
      return { id: c.id, result: CONTEXT_RESULT.transferSyntaxesNotSupported, transferSyntax: "" };
    }
    contexts.set(c.id, { abstractSyntax: c.abstractSyntax, transferSyntax: ts });
    return { id: c.id, result: CONTEXT_RESULT.acceptance, transferSyntax: ts };
  });
  const ac: AssociateAc = {
    protocolVersion: 1,
    calledAe: rq.calledAe,
    callingAe: rq.callingAe,
    applicationContext: APPLICATION_CONTEXT,
    contexts: answered.map((c) => c.transferSyntax ? c : { ...c, transferSyntax: IMPLICIT_VR_LE }),
    user: {
      maxLength: policy.maxPduLength,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    },
  };
  return { kind: "accept", ac, contexts };
}
