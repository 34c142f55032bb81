import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import {
  APPLICATION_CONTEXT,
  type AssociateAc,
  encodeAssociateAc,
  encodeAssociateRq,
  parseAssociateAc,
  parseAssociateRq,
} from "./association.ts";
import { DimseProtocolError } from "./errors.ts";
import { encodeAbort } from "./pdu_writer.ts";

const CT = "1.2.840.10008.5.1.4.1.1.2";
const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url).pathname;

/** The first PDU a real `storescu` sends (then it is aborted): DCMTK's own bytes. */
async function captureStorescuRq(args: string[]): Promise<Uint8Array> {
  let resolve!: (b: Uint8Array) => void;
  const captured = new Promise<Uint8Array>((r) => resolve = r);
  const server = createServer((socket) => {
    let buf = new Uint8Array(0);
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => {
      buf = new Uint8Array([...buf, ...chunk]);
      if (buf.length < 6) return;
      const length = new DataView(buf.buffer).getUint32(2);
      if (buf.length < 6 + length) return;
      resolve(buf.slice(0, 6 + length));
      socket.end(encodeAbort(0));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  const child = new Deno.Command("storescu", {
    args: [...args, "127.0.0.1", String(port), `${CORPUS}pydicom__CT_small.dcm`],
    stdout: "null",
    stderr: "null",
  }).output();
  const bytes = await captured;
  await child;
  await new Promise<void>((r) => server.close(() => r()));
  return bytes;
}

Deno.test("parseAssociateRq() reads the A-ASSOCIATE-RQ of DCMTK storescu", async () => {
  const pdu = await captureStorescuRq(["-aet", "MODALITY1", "-aec", "DEID", "-pdu", "32768"]);
  assert.equal(pdu[0], 0x01);
  const rq = parseAssociateRq(pdu.subarray(6));
  assert.equal(rq.protocolVersion & 1, 1);
  assert.equal(rq.calledAe, "DEID");
  assert.equal(rq.callingAe, "MODALITY1");
  assert.equal(rq.applicationContext, APPLICATION_CONTEXT);
  assert.equal(rq.user.maxLength, 32768);
  assert.match(rq.user.implementationClassUid, /^1\.2\.276\.0\.7230010\.3\./); // DCMTK's root
  // storescu proposes every storage class it knows (128 contexts, odd ids), CT among them.
  assert.equal(rq.contexts.length, 128);
  assert.ok(rq.contexts.every((c) => c.id % 2 === 1));
  // For the file's SOP class: its own syntax alone, then the other uncompressed ones.
  const ct = rq.contexts.filter((c) => c.abstractSyntax === CT).map((c) => c.transferSyntaxes);
  assert.deepEqual(ct, [
    ["1.2.840.10008.1.2.1"],
    ["1.2.840.10008.1.2.2", "1.2.840.10008.1.2"],
  ]);
});

Deno.test("encodeAssociateRq() is read back by parseAssociateRq() as written", async () => {
  const dcmtk = parseAssociateRq((await captureStorescuRq(["-aec", "DEID"])).subarray(6));
  const ours = encodeAssociateRq(dcmtk);
  assert.deepEqual(parseAssociateRq(ours.subarray(6)), dcmtk);
  assert.equal(new DataView(ours.buffer).getUint32(2), ours.length - 6);
});

Deno.test("encodeAssociateAc() round-trips through parseAssociateAc()", () => {
  const ac: AssociateAc = {
    protocolVersion: 1,
    calledAe: "DEID",
    callingAe: "STORESCU",
    applicationContext: APPLICATION_CONTEXT,
    contexts: [
      { id: 1, result: 0, transferSyntax: "1.2.840.10008.1.2.1" },
      { id: 3, result: 3, transferSyntax: "1.2.840.10008.1.2" },
    ],
    user: { maxLength: 0, implementationClassUid: "2.25.1", implementationVersionName: "X" },
  };
  assert.deepEqual(parseAssociateAc(encodeAssociateAc(ac).subarray(6)), ac);
});

Deno.test("parseAssociateRq() refuses items that overrun, repeat or lack parts", () => {
  const good = encodeAssociateRq({
    protocolVersion: 1,
    calledAe: "A",
    callingAe: "B",
    applicationContext: APPLICATION_CONTEXT,
    contexts: [{ id: 1, abstractSyntax: CT, transferSyntaxes: ["1.2.840.10008.1.2"] }],
    user: { maxLength: 16384, implementationClassUid: "1.2" },
  }).subarray(6);
  const view = new DataView(good.buffer, good.byteOffset);
  // Items after the 68 fixed bytes: application context, presentation context, user info.
  const contextAt = 68 + 4 + APPLICATION_CONTEXT.length;
  const contextItem = good.subarray(contextAt, contextAt + 4 + view.getUint16(contextAt + 2));
  const userAt = contextAt + contextItem.length;
  const splice = (at: number, insert: Uint8Array, drop = 0) =>
    new Uint8Array([...good.subarray(0, at), ...insert, ...good.subarray(at + drop)]);

  const overrun = good.slice();
  new DataView(overrun.buffer).setUint16(68 + 2, 0xffff); // application context item length
  assert.throws(() => parseAssociateRq(overrun), /overruns its parent/);
  const evenId = good.slice();
  evenId[contextAt + 4] = 2;
  assert.throws(() => parseAssociateRq(evenId), /presentation context id 2/);
  assert.throws(() => parseAssociateRq(splice(userAt, contextItem)), /repeated/);
  assert.throws(() => parseAssociateRq(good.subarray(0, userAt)), (err: unknown) => {
    assert.ok(err instanceof DimseProtocolError);
    assert.match(err.message, /no user information item/);
    return true;
  });
  // A presentation context without its abstract syntax sub-item.
  const abstractLength = 4 + CT.length;
  const bare = splice(contextAt + 8, new Uint8Array(0), abstractLength);
  new DataView(bare.buffer).setUint16(contextAt + 2, contextItem.length - 4 - abstractLength);
  assert.throws(() => parseAssociateRq(bare), /presentation context 1: missing syntax sub-item/);
});
