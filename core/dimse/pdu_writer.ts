/**
 * Encoders of the fixed-shape upper-layer PDUs (PS3.8 §9.3): release, abort, reject and the
 * P-DATA-TF framing. A-ASSOCIATE-RQ/AC, which carry variable items, are in association.ts.
 */
import { PDU_TYPE } from "./pdu_reader.ts";

/** A-ABORT sources (PS3.8 Table 9-26). */
export const ABORT_SOURCE = { serviceUser: 0, serviceProvider: 2 } as const;

/** The 6-byte PDU header: type, reserved, 32-bit big-endian length. */
export function pduHeader(type: number, length: number): Uint8Array {
  const out = new Uint8Array(6);
  out[0] = type;
  new DataView(out.buffer).setUint32(2, length);
  return out;
}

function fourBytePdu(type: number, b2: number, b3: number, b1 = 0): Uint8Array {
  const out = new Uint8Array(10);
  out.set(pduHeader(type, 4));
  out[7] = b1;
  out[8] = b2;
  out[9] = b3;
  return out;
}

/** A-RELEASE-RQ (PS3.8 §9.3.6). */
export function encodeReleaseRq(): Uint8Array {
  return fourBytePdu(PDU_TYPE.releaseRq, 0, 0);
}

/** A-RELEASE-RP (PS3.8 §9.3.7). */
export function encodeReleaseRp(): Uint8Array {
  return fourBytePdu(PDU_TYPE.releaseRp, 0, 0);
}

/** A-ABORT (PS3.8 §9.3.8); `reason` counts only when the provider aborts. */
export function encodeAbort(source: number, reason = 0): Uint8Array {
  return fourBytePdu(PDU_TYPE.abort, source, reason);
}

/** A-ASSOCIATE-RJ (PS3.8 §9.3.4): result 1 permanent / 2 transient, source, reason. */
export function encodeAssociateRj(result: number, source: number, reason: number): Uint8Array {
  return fourBytePdu(PDU_TYPE.associateRj, source, reason, result);
}

/**
 * The headers of a P-DATA-TF PDU holding one PDV of `dataLength` bytes (PS3.8 §9.3.5, Annex
 * E.2): PDU header, PDV item length, context id and message control header (bit 0 command,
 * bit 1 last fragment). The data is written after it, so large fragments are never copied.
 */
export function encodePdvHeader(
  contextId: number,
  command: boolean,
  last: boolean,
  dataLength: number,
): Uint8Array {
  const out = new Uint8Array(12);
  out.set(pduHeader(PDU_TYPE.pData, dataLength + 6));
  new DataView(out.buffer).setUint32(6, dataLength + 2);
  out[10] = contextId;
  out[11] = (command ? 1 : 0) | (last ? 2 : 0);
  return out;
}

/** One whole P-DATA-TF PDU with one PDV (for command sets, which are small). */
export function encodePdata(
  contextId: number,
  command: boolean,
  last: boolean,
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  out.set(encodePdvHeader(contextId, command, last, data.length));
  out.set(data, 12);
  return out;
}
