import assert from "node:assert/strict";
import { APPLICATION_CONTEXT, encodeAssociateRq } from "./association.ts";
import { ABORT_REASON, DimseProtocolError } from "./errors.ts";
import { type PduEvent, PduReader } from "./pdu_reader.ts";
import {
  encodeAbort,
  encodePdata,
  encodePdvHeader,
  encodeReleaseRq,
  pduHeader,
} from "./pdu_writer.ts";

const MAX = 16 * 1024;
const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * seed) & 255);

/** A P-DATA-TF PDU holding several PDVs (PS3.8 §9.3.5 allows one or more). */
function multiPdv(pdvs: { id: number; command: boolean; last: boolean; data: Uint8Array }[]) {
  const items = pdvs.map((p) =>
    encodePdvHeader(p.id, p.command, p.last, p.data.length).subarray(6)
  );
  const length = pdvs.reduce((n, p, i) => n + items[i].length + p.data.length, 0);
  const parts = [pduHeader(0x04, length)];
  pdvs.forEach((p, i) => parts.push(items[i], p.data));
  return join(parts);
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** The stream of a whole association: RQ, a command, a dataset in three PDVs, release, abort. */
function conversation(): Uint8Array {
  const rq = encodeAssociateRq({
    protocolVersion: 1,
    calledAe: "DEID",
    callingAe: "TEST",
    applicationContext: APPLICATION_CONTEXT,
    contexts: [{
      id: 1,
      abstractSyntax: "1.2.840.10008.1.1",
      transferSyntaxes: ["1.2.840.10008.1.2"],
    }],
    user: { maxLength: MAX, implementationClassUid: "1.2.3" },
  });
  return join([
    rq,
    encodePdata(1, true, true, bytes(90, 3)),
    multiPdv([
      { id: 1, command: false, last: false, data: bytes(5000, 7) },
      { id: 1, command: false, last: false, data: new Uint8Array(0) },
    ]),
    multiPdv([{ id: 1, command: false, last: true, data: bytes(3001, 11) }]),
    encodeReleaseRq(),
    encodeAbort(0),
  ]);
}

/** Events with data pieces joined per message, so different chunkings compare equal. */
function normalize(events: PduEvent[]): unknown[] {
  const out: unknown[] = [];
  let pending: Uint8Array[] = [];
  for (const ev of events) {
    if (ev.kind !== "data") {
      out.push(ev);
      continue;
    }
    pending.push(ev.bytes.slice());
    if (ev.last) {
      out.push({ kind: "message", id: ev.contextId, command: ev.command, bytes: join(pending) });
      pending = [];
    }
  }
  return out;
}

Deno.test("PduReader.push() yields the same messages at every chunk size", () => {
  const stream = conversation();
  const whole = normalize(new PduReader({ maxPdataLength: MAX }).push(stream));
  assert.equal(whole.length, 5);
  assert.deepEqual((whole[0] as { kind: string }).kind, "associateRq");
  assert.deepEqual(
    (whole[2] as { bytes: Uint8Array }).bytes,
    join([bytes(5000, 7), bytes(3001, 11)]),
  );
  assert.deepEqual(whole.slice(3), [{ kind: "releaseRq" }, {
    kind: "abort",
    source: 0,
    reason: 0,
  }]);
  for (const size of [1, 2, 3, 5, 6, 7, 8, 4096]) {
    const reader = new PduReader({ maxPdataLength: MAX });
    const events: PduEvent[] = [];
    for (let i = 0; i < stream.length; i += size) {
      // Data views are only valid until the next push: copy them now, as a consumer would.
      for (const ev of reader.push(stream.slice(i, i + size))) {
        events.push(ev.kind === "data" ? { ...ev, bytes: ev.bytes.slice() } : ev);
      }
    }
    assert.deepEqual(normalize(events), whole, `chunk size ${size}`);
    assert.ok(reader.atBoundary);
  }
});

Deno.test("PduReader.push() hands on dataset bytes as views, not copies", () => {
  const chunk = multiPdv([{ id: 3, command: false, last: true, data: bytes(1000, 5) }]);
  const [ev] = new PduReader({ maxPdataLength: MAX }).push(chunk);
  assert.equal(ev.kind, "data");
  if (ev.kind === "data") {
    assert.equal(ev.bytes.buffer, chunk.buffer);
    assert.deepEqual([ev.contextId, ev.command, ev.last], [3, false, true]);
  }
});

Deno.test("PduReader.push() refuses absurd lengths at the header, before any body byte", () => {
  const invalid = ABORT_REASON.invalidParameter;
  const cases: [Uint8Array, RegExp, number][] = [
    [pduHeader(0x01, 0xfffffff0), /A-ASSOCIATE length 4294967280 out of range/, invalid],
    [pduHeader(0x04, MAX + 1), /P-DATA-TF length 16385 outside 6\.\.16384/, invalid],
    [pduHeader(0x04, 2), /P-DATA-TF length 2/, invalid],
    [pduHeader(0x05, 0x7fffffff), /length 2147483647, expected 4/, invalid],
    [pduHeader(0x09, 4), /unrecognized PDU type 0x09/, ABORT_REASON.unrecognizedPdu],
  ];
  for (const [header, message, reason] of cases) {
    const reader = new PduReader({ maxPdataLength: MAX });
    assert.throws(() => reader.push(header), (err: unknown) => {
      assert.ok(err instanceof DimseProtocolError);
      assert.match(err.message, message);
      assert.equal(err.reason, reason);
      return true;
    });
  }
});

Deno.test("PduReader.push() refuses a PDV item that does not fit its PDU", () => {
  const pdu = multiPdv([{ id: 1, command: true, last: true, data: bytes(10, 1) }]);
  const tooLong = pdu.slice();
  new DataView(tooLong.buffer).setUint32(6, 13); // item claims 13 bytes; the PDU holds 12
  const tooShort = pdu.slice();
  new DataView(tooShort.buffer).setUint32(6, 1); // no room for context id and control header
  for (const bad of [tooLong, tooShort]) {
    assert.throws(
      () => new PduReader({ maxPdataLength: MAX }).push(bad),
      /PDU at offset 0: PDV item length \d+ does not fit the PDU/,
    );
  }
});

Deno.test("PduReader.atBoundary is false inside a PDU", () => {
  const reader = new PduReader({ maxPdataLength: MAX });
  reader.push(encodeReleaseRq().subarray(0, 7));
  assert.equal(reader.atBoundary, false);
  assert.deepEqual(reader.push(encodeReleaseRq().subarray(7)), [{ kind: "releaseRq" }]);
  assert.equal(reader.atBoundary, true);
});
