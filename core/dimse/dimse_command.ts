/**
 * DIMSE command sets (PS3.7 §9.3, Annex E): group 0000 elements, always Implicit VR Little
 * Endian, headed by their group length (0000,0000). Only the fields of C-ECHO and C-STORE
 * (and the error fields of a response) are known; other elements are skipped when read.
 */
import { trimPadding } from "../dicom/transfer_syntax.ts";
import { DimseProtocolError } from "./errors.ts";

/** Command Field values (PS3.7 Annex E). */
export const COMMAND_FIELD = {
  cStoreRq: 0x0001,
  cStoreRsp: 0x8001,
  cEchoRq: 0x0030,
  cEchoRsp: 0x8030,
} as const;

/** Command Data Set Type meaning "no dataset follows" (PS3.7 §E.1). */
export const NO_DATASET = 0x0101;

/** Command element tags (PS3.7 Table E.1-1). */
export const CMD = {
  affectedSopClassUid: 0x00000002,
  commandField: 0x00000100,
  messageId: 0x00000110,
  messageIdBeingRespondedTo: 0x00000120,
  priority: 0x00000700,
  commandDataSetType: 0x00000800,
  status: 0x00000900,
  errorComment: 0x00000902,
  affectedSopInstanceUid: 0x00001000,
  moveOriginatorAeTitle: 0x00001030,
  moveOriginatorMessageId: 0x00001031,
} as const;

type Kind = "UI" | "US" | "AE" | "LO";
const KINDS = new Map<number, Kind>([
  [CMD.affectedSopClassUid, "UI"],
  [0x00000003, "UI"],
  [CMD.commandField, "US"],
  [CMD.messageId, "US"],
  [CMD.messageIdBeingRespondedTo, "US"],
  [CMD.priority, "US"],
  [CMD.commandDataSetType, "US"],
  [CMD.status, "US"],
  [CMD.errorComment, "LO"],
  [CMD.affectedSopInstanceUid, "UI"],
  [0x00001001, "UI"],
  [CMD.moveOriginatorAeTitle, "AE"],
  [CMD.moveOriginatorMessageId, "US"],
]);

/** A command set: tag → string (UI, AE, LO) or number (US). */
export type Command = Map<number, string | number>;

/** Reads a command set; unknown elements are skipped, a bad length aborts. */
export function decodeCommand(bytes: Uint8Array): Command {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Command = new Map();
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new DimseProtocolError(`command: truncated at ${at}`);
    const group = view.getUint16(at, true);
    const tagValue = group * 0x10000 + view.getUint16(at + 2, true);
    const length = view.getUint32(at + 4, true);
    if (group !== 0 || at + 8 + length > bytes.length) {
      throw new DimseProtocolError(`command: element at ${at} is not group 0000 or overruns`);
    }
    const value = bytes.subarray(at + 8, at + 8 + length);
    const kind = KINDS.get(tagValue);
    if (kind === "US") {
      if (length !== 2) throw new DimseProtocolError(`command: US element at ${at} not 2 bytes`);
      out.set(tagValue, view.getUint16(at + 8, true));
    } else if (kind) {
      out.set(tagValue, trimPadding(new TextDecoder("latin1").decode(value), true));
    }
    at += 8 + length;
  }
  return out;
}

/** Writes a command set with its group length, elements in tag order. */
export function encodeCommand(command: Command): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const tag of [...command.keys()].sort((a, b) => a - b)) {
    const kind = KINDS.get(tag);
    if (!kind) throw new TypeError(`encodeCommand: unknown element ${tag.toString(16)}`);
    parts.push(element(tag, valueBytes(kind, command.get(tag)!)));
  }
  const bodyLength = parts.reduce((n, p) => n + p.length, 0);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, bodyLength, true);
  const out = new Uint8Array(12 + bodyLength);
  out.set(element(0, groupLength));
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function valueBytes(kind: Kind, value: string | number): Uint8Array {
  if (kind === "US") {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, value as number, true);
    return b;
  }
  let s = String(value);
  if (s.length % 2) s += kind === "UI" ? "\0" : " ";
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

function element(tag: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  view.setUint32(4, value.length, true);
  out.set(value, 8);
  return out;
}

/** The response to `rq` (PS3.7 §9.3.1.2, §9.3.5.2): same SOP class/instance, a status. */
export function responseTo(rq: Command, field: number, status: number, comment?: string): Command {
  const rsp: Command = new Map([
    [CMD.commandField, field],
    [CMD.messageIdBeingRespondedTo, rq.get(CMD.messageId) ?? 0],
    [CMD.commandDataSetType, NO_DATASET],
    [CMD.status, status],
  ]);
  for (const tag of [CMD.affectedSopClassUid, CMD.affectedSopInstanceUid]) {
    const v = rq.get(tag);
    if (v !== undefined) rsp.set(tag, v);
  }
  if (comment) rsp.set(CMD.errorComment, comment.slice(0, 64));
  return rsp;
}
