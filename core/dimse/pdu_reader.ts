/**
 * A streaming reader of upper-layer PDUs (PS3.8 §9.3): bytes in, PDU events out, at any
 * chunking. P-DATA-TF is never gathered: each PDV's data is handed on as the views of the
 * input chunk it arrived in, so a 1 GB dataset passes through in socket-sized pieces. Control
 * PDUs are gathered up to a small cap, and only as their bytes arrive: a peer's length field
 * is checked, never used to allocate.
 */
import { concat } from "../dicom/file_meta.ts";
import { ABORT_REASON, DimseProtocolError } from "./errors.ts";

/** PDU types (PS3.8 §9.3.1). */
export const PDU_TYPE = {
  associateRq: 0x01,
  associateAc: 0x02,
  associateRj: 0x03,
  pData: 0x04,
  releaseRq: 0x05,
  releaseRp: 0x06,
  abort: 0x07,
} as const;

/** What a run of bytes completed. */
export type PduEvent =
  /** A-ASSOCIATE-RQ or -AC: the PDU body after the 6-byte header (see association.ts). */
  | { kind: "associateRq" | "associateAc"; body: Uint8Array }
  | { kind: "associateRj"; result: number; source: number; reason: number }
  | { kind: "releaseRq" }
  | { kind: "releaseRp" }
  | { kind: "abort"; source: number; reason: number }
  /**
   * A piece of one PDV's data (PS3.8 §9.3.5.1, Annex E): command or dataset bytes of the
   * message on `contextId`. `last` is set on the final piece of the message's last fragment.
   * `bytes` is a view of the pushed chunk, valid until the caller has consumed it.
   */
  | { kind: "data"; contextId: number; command: boolean; bytes: Uint8Array; last: boolean };

/** Limits of a {@link PduReader}. */
export interface PduReaderOptions {
  /** Largest P-DATA-TF PDU length accepted: the maximum length we announced. */
  readonly maxPdataLength: number;
  /** Largest A-ASSOCIATE-RQ/AC PDU length accepted (default 256 KiB). */
  readonly maxAssociateLength?: number;
}

/** 2 + 2 + 16 + 16 + 32 bytes before the variable items of A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2). */
const ASSOCIATE_FIXED = 68;
const DEFAULT_MAX_ASSOCIATE = 256 * 1024;

type State = "pduHeader" | "control" | "pdvHeader" | "pdvData";

/** Push parser of the upper-layer byte stream; throws DimseProtocolError on a bad PDU. */
export class PduReader {
  readonly #maxPdata: number;
  readonly #maxAssociate: number;
  readonly #head = new Uint8Array(6);
  #fill = 0;
  #state: State = "pduHeader";
  #type = 0;
  /** Bytes of the current PDU not yet read. */
  #left = 0;
  #parts: Uint8Array[] = [];
  #pdv = { contextId: 0, command: false, last: false, left: 0 };
  /** Stream offset of the current PDU, for messages. */
  #pduOffset = 0;
  #offset = 0;

  constructor(options: PduReaderOptions) {
    this.#maxPdata = options.maxPdataLength;
    this.#maxAssociate = options.maxAssociateLength ?? DEFAULT_MAX_ASSOCIATE;
  }

  /** Reads `chunk`; returns the events it completed, in order. */
  push(chunk: Uint8Array): PduEvent[] {
    const out: PduEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === "pduHeader" || this.#state === "pdvHeader") {
        const n = Math.min(6 - this.#fill, chunk.length - i);
        this.#head.set(chunk.subarray(i, i + n), this.#fill);
        this.#fill += n;
        i += n;
        if (this.#fill < 6) break;
        this.#fill = 0;
        if (this.#state === "pduHeader") this.#startPdu();
        else this.#startPdv(out);
      } else if (this.#state === "control") {
        const n = Math.min(this.#left, chunk.length - i);
        this.#parts.push(chunk.slice(i, i + n));
        this.#left -= n;
        i += n;
        if (this.#left === 0) this.#endControl(out);
      } else {
        const n = Math.min(this.#pdv.left, chunk.length - i);
        this.#pdv.left -= n;
        this.#left -= n;
        const last = this.#pdv.left === 0 && this.#pdv.last;
        const { contextId, command } = this.#pdv;
        out.push({ kind: "data", contextId, command, bytes: chunk.subarray(i, i + n), last });
        i += n;
        if (this.#pdv.left === 0) this.#state = this.#left > 0 ? "pdvHeader" : "pduHeader";
      }
    }
    this.#offset += chunk.length;
    return out;
  }

  /** True between PDUs: a closed connection here is not a truncated PDU. */
  get atBoundary(): boolean {
    return this.#state === "pduHeader" && this.#fill === 0;
  }

  #startPdu(): void {
    const h = this.#head;
    this.#pduOffset = this.#offset;
    this.#type = h[0];
    const length = new DataView(h.buffer).getUint32(2);
    this.#left = length;
    const at = `PDU at offset ${this.#pduOffset}`;
    switch (this.#type) {
      case PDU_TYPE.associateRq:
      case PDU_TYPE.associateAc:
        if (length < ASSOCIATE_FIXED || length > this.#maxAssociate) {
          throw new DimseProtocolError(`${at}: A-ASSOCIATE length ${length} out of range`);
        }
        this.#state = "control";
        return;
      case PDU_TYPE.associateRj:
      case PDU_TYPE.releaseRq:
      case PDU_TYPE.releaseRp:
      case PDU_TYPE.abort:
        if (length !== 4) throw new DimseProtocolError(`${at}: length ${length}, expected 4`);
        this.#state = "control";
        return;
      case PDU_TYPE.pData:
        if (length < 6 || length > this.#maxPdata) {
          throw new DimseProtocolError(
            `${at}: P-DATA-TF length ${length} outside 6..${this.#maxPdata}`,
          );
        }
        this.#state = "pdvHeader";
        return;
      default:
        throw new DimseProtocolError(
          `${at}: unrecognized PDU type 0x${this.#type.toString(16).padStart(2, "0")}`,
          ABORT_REASON.unrecognizedPdu,
        );
    }
  }

  #startPdv(out: PduEvent[]): void {
    const h = this.#head;
    const length = new DataView(h.buffer).getUint32(0);
    // The 4-byte length field was read; the item (context id, control header, data) follows.
    if (length < 2 || length > this.#left - 4) {
      throw new DimseProtocolError(
        `PDU at offset ${this.#pduOffset}: PDV item length ${length} does not fit the PDU`,
      );
    }
    this.#left -= 6;
    const mch = h[5];
    this.#pdv = {
      contextId: h[4],
      command: (mch & 1) !== 0,
      last: (mch & 2) !== 0,
      left: length - 2,
    };
    if (this.#pdv.left > 0) {
      this.#state = "pdvData";
      return;
    }
    const { contextId, command, last } = this.#pdv;
    out.push({ kind: "data", contextId, command, bytes: new Uint8Array(0), last });
    this.#state = this.#left > 0 ? "pdvHeader" : "pduHeader";
  }

  #endControl(out: PduEvent[]): void {
    const body = concat(this.#parts);
    this.#parts = [];
    this.#state = "pduHeader";
    switch (this.#type) {
      case PDU_TYPE.associateRq:
        out.push({ kind: "associateRq", body });
        break;
      case PDU_TYPE.associateAc:
        out.push({ kind: "associateAc", body });
        break;
      case PDU_TYPE.associateRj:
        out.push({ kind: "associateRj", result: body[1], source: body[2], reason: body[3] });
        break;
      case PDU_TYPE.releaseRq:
        out.push({ kind: "releaseRq" });
        break;
      case PDU_TYPE.releaseRp:
        out.push({ kind: "releaseRp" });
        break;
      default:
        out.push({ kind: "abort", source: body[2], reason: body[3] });
    }
  }
}
