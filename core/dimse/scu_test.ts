import assert from "node:assert/strict";
import { join } from "node:path";
import { readPart10Header } from "./part10_header.ts";
import { storeFiles } from "./scu.ts";
import { CORPUS, freePort, startStorescp, startTestScp } from "./_test_harness.ts";

const FILES = [
  "pydicom__CT_small.dcm",
  "pydicom__MR_small_implicit.dcm",
  "pydicom__MR_small_bigendian.dcm",
  "pydicom__image_dfl.dcm",
  "pydicom__JPEG-lossy.dcm",
  "pydicomdata__emri_small_RLE.dcm",
].map((f) => join(CORPUS, f));

/** SOP Instance UID → dataset bytes, for every Part 10 file in `dir`. */
async function datasets(paths: string[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const p of paths) {
    using f = await Deno.open(p);
    const h = await readPart10Header(f);
    out.set(h.sopInstanceUid, (await Deno.readFile(p)).subarray(h.datasetOffset));
  }
  return out;
}

Deno.test("storeFiles() sends datasets that DCMTK storescp receives bit for bit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dimse-scu-" });
  const peer = await startStorescp(dir, ["+xa"]);
  try {
    const r = await storeFiles(FILES, {
      aeTitle: "ARCHIVE",
      host: "127.0.0.1",
      port: peer.port,
      callingAeTitle: "DEID",
    });
    assert.deepEqual(r, { sent: FILES.length, failed: [] });
    const received = await datasets([...Deno.readDirSync(dir)].map((e) => join(dir, e.name)));
    // The deflated file's dataset has an odd length: it travels with one zero byte added.
    const sent = new Map([...await datasets(FILES)].map(([uid, d]) => [
      uid,
      d.length % 2 ? new Uint8Array([...d, 0]) : d,
    ]));
    assert.equal([...sent.values()].filter((d) => d.at(-1) === 0 && d.length === 4304).length, 1);
    assert.deepEqual(received, sent);
  } finally {
    await peer.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storeFiles() reports refused contexts, rejection and an absent peer per file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dimse-scu-" });
  const peer = await startStorescp(dir); // uncompressed syntaxes only
  const scp = await startTestScp();
  try {
    const jpeg = FILES[4];
    const some = await storeFiles([FILES[0], jpeg, FILES[1]], {
      aeTitle: "ARCHIVE",
      host: "127.0.0.1",
      port: peer.port,
      callingAeTitle: "DEID",
    });
    assert.equal(some.sent, 2);
    assert.deepEqual(some.failed, [{ file: jpeg, reason: "presentation context refused" }]);
    const wrongAe = await storeFiles([FILES[0]], {
      aeTitle: "NOT_DEID",
      host: "127.0.0.1",
      port: scp.port,
      callingAeTitle: "DEID",
    });
    assert.deepEqual(wrongAe.failed.map((f) => f.reason), [
      "association rejected (result 1, source 1, reason 7)",
    ]);
    const nobody = await storeFiles([FILES[0], FILES[1]], {
      aeTitle: "ARCHIVE",
      host: "127.0.0.1",
      port: await freePort(),
      callingAeTitle: "DEID",
    });
    assert.equal(nobody.sent, 0);
    assert.deepEqual(
      nobody.failed.map((f) => f.reason),
      Array(2).fill("connect failed (ECONNREFUSED)"),
    );
    const notDicom = await storeFiles([join(CORPUS, "pydicom__crayons.icc")], {
      aeTitle: "ARCHIVE",
      host: "127.0.0.1",
      port: peer.port,
      callingAeTitle: "DEID",
    });
    assert.match(notDicom.failed[0].reason, /not a Part 10 file/);
  } finally {
    await scp.dispose();
    await peer.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
