/**
 * A-ASSOCIATE-RQ and -AC (PS3.8 §9.3.2–9.3.3): the fixed fields and the variable items
 * (application context, presentation contexts, user information). Parsing checks every item
 * length against what is left of the PDU and keeps only what this implementation uses.
 */
import { ABORT_REASON, DimseProtocolError } from "./errors.ts";
import { concat } from "../dicom/file_meta.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import { pduHeader } from "./pdu_writer.ts";
import { PDU_TYPE } from "./pdu_reader.ts";

/** The DICOM Application Context Name (PS3.7 Annex A.2.1). */
export const APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

/** A presentation context as proposed: id, abstract syntax, transfer syntaxes. */
export interface ProposedContext {
  readonly id: number;
  readonly abstractSyntax: string;
  readonly transferSyntaxes: readonly string[];
}

/** Presentation context results (PS3.8 Table 9-18). */
export const CONTEXT_RESULT = {
  acceptance: 0,
  userRejection: 1,
  noReason: 2,
  abstractSyntaxNotSupported: 3,
  transferSyntaxesNotSupported: 4,
} as const;

/** A presentation context as answered: result and the one transfer syntax chosen. */
export interface AnsweredContext {
  readonly id: number;
  readonly result: number;
  readonly transferSyntax: string;
}

/** User information we read and write (PS3.7 Annex D.3.3). */
export interface UserInfo {
  /** Maximum P-DATA-TF PDU length the sender receives; 0 means no limit (PS3.8 D.1). */
  readonly maxLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName?: string;
}

/** The fields of an A-ASSOCIATE-RQ or -AC that matter here. */
export interface Associate<C> {
  /** Bit 0 set: version 1 of the protocol, the only one (PS3.8 §9.3.2). */
  readonly protocolVersion: number;
  readonly calledAe: string;
  readonly callingAe: string;
  readonly applicationContext: string;
  readonly contexts: readonly C[];
  readonly user: UserInfo;
}

/** An A-ASSOCIATE-RQ. */
export type AssociateRq = Associate<ProposedContext>;
/** An A-ASSOCIATE-AC. */
export type AssociateAc = Associate<AnsweredContext>;

const latin1 = new TextDecoder("latin1");
const text = (b: Uint8Array) => trimPadding(latin1.decode(b), true);
const MAX_CONTEXTS = 128;

/** Parses an A-ASSOCIATE-RQ body (after the 6-byte PDU header). */
export function parseAssociateRq(body: Uint8Array): AssociateRq {
  return parse(body, 0x20, (id, sub) => {
    let abstractSyntax: string | undefined;
    const transferSyntaxes: string[] = [];
    for (const [type, value] of items(sub, "presentation context")) {
      if (type === 0x30) abstractSyntax = text(value);
      else if (type === 0x40) transferSyntaxes.push(text(value));
    }
    if (abstractSyntax === undefined || transferSyntaxes.length === 0) {
      throw new DimseProtocolError(`presentation context ${id}: missing syntax sub-item`);
    }
    return { id, abstractSyntax, transferSyntaxes };
  });
}

/** Parses an A-ASSOCIATE-AC body (after the 6-byte PDU header). */
export function parseAssociateAc(body: Uint8Array): AssociateAc {
  return parse(body, 0x21, (id, sub, result) => {
    let transferSyntax = "";
    for (const [type, value] of items(sub, "presentation context")) {
      if (type === 0x40) transferSyntax = text(value);
    }
    return { id, result, transferSyntax };
  });
}

function parse<C extends { id: number }>(
  body: Uint8Array,
  contextType: number,
  context: (id: number, sub: Uint8Array, result: number) => C,
): Associate<C> {
  let applicationContext = "";
  const contexts: C[] = [];
  let user: UserInfo | undefined;
  for (const [type, value] of items(body.subarray(68), "A-ASSOCIATE")) {
    if (type === 0x10) applicationContext = text(value);
    else if (type === contextType) {
      if (value.length < 4) throw new DimseProtocolError("presentation context item too short");
      const id = value[0];
      if (contexts.length >= MAX_CONTEXTS || contexts.some((c) => c.id === id) || id % 2 === 0) {
        throw new DimseProtocolError(`presentation context id ${id} repeated, even or too many`);
      }
      contexts.push(context(id, value.subarray(4), value[2]));
    } else if (type === 0x50) user = parseUserInfo(value);
  }
  if (!user) throw new DimseProtocolError("A-ASSOCIATE: no user information item");
  return {
    protocolVersion: (body[0] << 8) | body[1],
    calledAe: text(body.subarray(4, 20)),
    callingAe: text(body.subarray(20, 36)),
    applicationContext,
    contexts,
    user,
  };
}

function parseUserInfo(value: Uint8Array): UserInfo {
  let maxLength: number | undefined;
  let implementationClassUid = "";
  let implementationVersionName: string | undefined;
  for (const [type, v] of items(value, "user information")) {
    if (type === 0x51) {
      if (v.length !== 4) throw new DimseProtocolError("maximum length sub-item is not 4 bytes");
      maxLength = new DataView(v.buffer, v.byteOffset).getUint32(0);
    } else if (type === 0x52) implementationClassUid = text(v);
    else if (type === 0x55) implementationVersionName = text(v);
  }
  if (maxLength === undefined) throw new DimseProtocolError("no maximum length sub-item");
  return { maxLength, implementationClassUid, implementationVersionName };
}

/** Items `type, reserved, 16-bit length, value` (PS3.8 §9.3.2.1), bounds-checked. */
function* items(bytes: Uint8Array, where: string): Generator<[number, Uint8Array]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new DimseProtocolError(`${where}: truncated item header`);
    const length = view.getUint16(at + 2);
    if (at + 4 + length > bytes.length) {
      throw new DimseProtocolError(
        `${where}: item 0x${bytes[at].toString(16)} at ${at} overruns its parent`,
        ABORT_REASON.invalidParameter,
      );
    }
    yield [bytes[at], bytes.subarray(at + 4, at + 4 + length)];
    at += 4 + length;
  }
}

/** Encodes an A-ASSOCIATE-RQ PDU. */
export function encodeAssociateRq(rq: AssociateRq): Uint8Array {
  return encode(
    PDU_TYPE.associateRq,
    rq,
    rq.contexts.map((c) =>
      item(0x20, [
        Uint8Array.of(c.id, 0, 0, 0),
        item(0x30, ascii(c.abstractSyntax)),
        ...c.transferSyntaxes.map((ts) => item(0x40, ascii(ts))),
      ])
    ),
  );
}

/** Encodes an A-ASSOCIATE-AC PDU. */
export function encodeAssociateAc(ac: AssociateAc): Uint8Array {
  return encode(
    PDU_TYPE.associateAc,
    ac,
    ac.contexts.map((c) =>
      item(0x21, [Uint8Array.of(c.id, 0, c.result, 0), item(0x40, ascii(c.transferSyntax))])
    ),
  );
}

function encode<C>(type: number, a: Associate<C>, contexts: Uint8Array[]): Uint8Array {
  const fixed = new Uint8Array(68);
  fixed[0] = a.protocolVersion >> 8;
  fixed[1] = a.protocolVersion & 0xff;
  fixed.set(aeField(a.calledAe), 4);
  fixed.set(aeField(a.callingAe), 20);
  const maxLength = new Uint8Array(4);
  new DataView(maxLength.buffer).setUint32(0, a.user.maxLength);
  const user = [item(0x51, maxLength), item(0x52, ascii(a.user.implementationClassUid))];
  if (a.user.implementationVersionName) {
    user.push(item(0x55, ascii(a.user.implementationVersionName)));
  }
  const body = concat([
    fixed,
    item(0x10, ascii(a.applicationContext)),
    ...contexts,
    item(0x50, user),
  ]);
  return concat([pduHeader(type, body.length), body]);
}

function item(type: number, value: Uint8Array | Uint8Array[]): Uint8Array {
  const v = Array.isArray(value) ? concat(value) : value;
  if (v.length > 0xffff) throw new RangeError("A-ASSOCIATE item longer than 65535 bytes");
  const out = new Uint8Array(4 + v.length);
  out[0] = type;
  new DataView(out.buffer).setUint16(2, v.length);
  out.set(v, 4);
  return out;
}

/** An AE title as its 16-byte field, space padded (PS3.8 §9.3.2). */
function aeField(ae: string): Uint8Array {
  return ascii(ae.slice(0, 16).padEnd(16, " "));
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}
