import assert from "node:assert/strict";
import { join } from "node:path";
import { openLockedTemp } from "../batches/temp_files.ts";
import { CMD } from "./dimse_command.ts";
import { readPart10Header } from "./part10_header.ts";
import { encodeAbort, encodePdata, encodeReleaseRq, pduHeader } from "./pdu_writer.ts";
import {
  CORPUS,
  rawAssociate,
  rawConnect,
  readResponse,
  run,
  sendStore,
  startTestScp,
} from "./_test_harness.ts";

const VERIFICATION = "1.2.840.10008.1.1";
const MR = "1.2.840.10008.5.1.4.1.1.4";
const echo = (port: number, ...args: string[]) =>
  run("echoscu", [...args, "127.0.0.1", String(port)]);

/** The dataset (after File Meta) and UIDs of an Implicit VR LE corpus file. */
async function implicitDataset() {
  const path = join(CORPUS, "pydicom__MR_small_implicit.dcm");
  using f = await Deno.open(path);
  const h = await readPart10Header(f);
  const dataset = (await Deno.readFile(path)).subarray(h.datasetOffset);
  return { dataset, uids: { sopClass: h.sopClassUid, sopInstance: h.sopInstanceUid } };
}

Deno.test("startScp() rejects an unknown called AE title and an unlisted calling AE title", async () => {
  const t = await startTestScp({ callingAeTitles: ["MODALITY"] });
  try {
    const wrongCalled = await echo(t.port, "-aet", "MODALITY", "-aec", "OTHER");
    assert.notEqual(wrongCalled.code, 0);
    assert.match(wrongCalled.stderr, /Called AE Title Not Recognized/);
    const wrongCalling = await echo(t.port, "-aet", "STRANGER", "-aec", "DEID");
    assert.match(wrongCalling.stderr, /Calling AE Title Not Recognized/);
    assert.equal((await echo(t.port, "-aet", "MODALITY", "-aec", "DEID")).code, 0);
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() aborts a hostile PDU length at once and keeps serving", async () => {
  const t = await startTestScp();
  try {
    for (const hostile of [pduHeader(0x01, 0xfffffff0), pduHeader(0x04, 0x7fffffff)]) {
      const peer = await rawConnect(t.port);
      await peer.io.write(hostile); // the header only: nothing else will ever come
      const ev = await peer.next();
      // A-ABORT from the service provider, reason 6 (invalid PDU parameter value).
      assert.deepEqual(ev, { kind: "abort", source: 2, reason: 6 });
      assert.equal(await peer.next(), undefined, "the connection is closed");
    }
    assert.equal((await echo(t.port, "-aec", "DEID")).code, 0);
    assert.ok(t.logs.some((l) => /dimse protocol error.*A-ASSOCIATE length 4294967280/.test(l)));
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() aborts PDUs out of order and PDVs on contexts it did not accept", async () => {
  const t = await startTestScp();
  try {
    const early = await rawConnect(t.port);
    await early.io.write(encodeReleaseRq());
    assert.deepEqual(await early.next(), { kind: "abort", source: 2, reason: 2 });
    const peer = await rawAssociate(t.port, { 1: VERIFICATION });
    await peer.io.write(encodePdata(3, true, true, new Uint8Array(8)));
    assert.deepEqual(await peer.next(), { kind: "abort", source: 2, reason: 5 });
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() rejects associations over the maximum as transient, then admits again", async () => {
  const t = await startTestScp({ maxAssociations: 1 });
  try {
    const holder = await rawAssociate(t.port, { 1: VERIFICATION });
    const full = await echo(t.port, "-aec", "DEID");
    assert.notEqual(full.code, 0);
    assert.match(full.stderr, /Rejected Transient[\s\S]*Local Limit Exceeded/);
    await holder.io.write(encodeReleaseRq());
    assert.deepEqual(await holder.next(), { kind: "releaseRp" });
    holder.socket.end();
    await t.scp.idle();
    assert.equal((await echo(t.port, "-aec", "DEID")).code, 0);
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() closes a connection without a whole A-ASSOCIATE-RQ in ARTIM, aborts an idle one", async () => {
  const t = await startTestScp({ artimMs: 150, idleMs: 150 });
  try {
    const silent = await rawConnect(t.port);
    const started = Date.now();
    assert.equal(await silent.next(), undefined);
    assert.ok(Date.now() - started >= 140);
    // ARTIM bounds the whole request: bytes trickling in do not extend it.
    const trickle = await rawConnect(t.port);
    const start = Date.now();
    const timer = setInterval(() => trickle.socket.write(Uint8Array.of(0x01)), 40);
    await trickle.io.write(pduHeader(0x01, 200));
    assert.equal(await trickle.next(), undefined);
    clearInterval(timer);
    assert.ok(Date.now() - start < 1000, "closed within ARTIM despite the trickle");
    const idle = await rawAssociate(t.port, { 1: VERIFICATION });
    assert.deepEqual(await idle.next(), { kind: "abort", source: 0, reason: 0 });
    assert.equal(await idle.next(), undefined);
    await t.scp.idle();
    assert.ok(
      t.logs.some((l) => /dimse timeout.*idle timeout: no PDU event within 150 ms/.test(l)),
    );
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() fails a bad dataset with 0xC000 and stores the next one", async () => {
  const t = await startTestScp();
  try {
    const { dataset, uids } = await implicitDataset();
    const peer = await rawAssociate(t.port, { 1: MR });
    // Bytes that are not a dataset: an element header whose length runs past the end.
    const garbage = Uint8Array.from([0x10, 0x00, 0x10, 0x00, 0xff, 0xff, 0x00, 0x00, 1, 2]);
    await sendStore(peer, 1, 1, uids, garbage);
    const bad = await readResponse(peer);
    assert.equal(bad.get(CMD.status), 0xc000);
    assert.equal(bad.get(CMD.affectedSopInstanceUid), uids.sopInstance);
    assert.match(String(bad.get(CMD.errorComment)), /offset/);
    await sendStore(peer, 1, 2, uids, dataset, { fragment: 1000 });
    const good = await readResponse(peer);
    assert.deepEqual([good.get(CMD.status), good.get(CMD.messageIdBeingRespondedTo)], [0, 2]);
    // A C-STORE whose command UID is not a UID: refused before any byte is stored.
    await sendStore(peer, 1, 3, { ...uids, sopInstance: "DOE^JOHN" }, dataset);
    const badUid = await readResponse(peer);
    assert.deepEqual([badUid.get(CMD.status), badUid.get(CMD.errorComment)], [
      0xc000,
      "SOP Instance UID is not a valid UID",
    ]);
    await peer.io.write(encodeReleaseRq());
    assert.deepEqual(await peer.next(), { kind: "releaseRp" });
    await t.scp.idle();
    const [batch] = await t.batches.store.live();
    const files = await t.batches.store.files(batch.id);
    assert.deepEqual(files.map((f) => [f.path, f.status]), [
      ["00001.dcm", "failed"],
      ["00002.dcm", "done"],
    ]);
    assert.ok(!t.logs.join("\n").includes("DOE^JOHN"));
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() keeps nothing of a dataset cut off by A-ABORT or a dropped connection", async () => {
  const t = await startTestScp();
  try {
    const { dataset, uids } = await implicitDataset();
    const aborting = await rawAssociate(t.port, { 1: MR });
    await sendStore(aborting, 1, 1, uids, dataset.subarray(0, 5000), {
      fragment: 1000,
      complete: false,
    });
    await aborting.io.write(encodeAbort(0));
    const dropping = await rawAssociate(t.port, { 1: MR });
    await sendStore(dropping, 1, 1, uids, dataset.subarray(0, 3000), { complete: false });
    dropping.socket.destroy();
    await t.scp.idle();
    for (const batch of await t.batches.store.live()) {
      assert.deepEqual(await t.batches.store.files(batch.id), [], "no record, not even failed");
      const tmp = join(t.batches.disk.dir(batch.id), ".tmp");
      assert.deepEqual([...Deno.readDirSync(tmp)], [], "no temp file left");
    }
    assert.equal(
      t.logs.filter((l) => /"dimse end".*"outcome":"(aborted|closed)"/.test(l)).length,
      2,
    );
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() answers 0xA700 when the disk is full and goes on with the next file", async () => {
  let opened = 0;
  const t = await startTestScp({
    // The first file's temp file fails like a full disk; later ones have room.
    openTemp: async (path) => {
      const file = await openLockedTemp(path);
      if (++opened > 1) return file;
      return {
        write: () => Promise.reject(Object.assign(new Error("No space left"), { name: "ENOSPC" })),
        close: () => file.close(),
      };
    },
  });
  try {
    const files = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm"].map((f) =>
      join(CORPUS, f)
    );
    const r = await run("storescu", [
      "-v",
      "-nh",
      "-aec",
      "DEID",
      "127.0.0.1",
      String(t.port),
      ...files,
    ]);
    assert.match(r.stderr, /MsgID 1[^]*Refused: OutOfResources[^]*MsgID 2[^]*\(Success\)/);
    await t.scp.idle();
    const [batch] = await t.batches.store.live();
    assert.deepEqual((await t.batches.store.files(batch.id)).map((f) => [f.path, f.status]), [
      ["00002.dcm", "done"],
    ]);
    assert.ok(
      t.logs.some((l) => /dimse store failed.*"status":"0xa700","reason":"ENOSPC"/.test(l)),
    );
  } finally {
    await t.dispose();
  }
});
