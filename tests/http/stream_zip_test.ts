import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BlobWriter,
  Uint8ArrayReader,
  Uint8ArrayWriter,
  ZipReader,
  ZipWriter,
} from "@zip.js/zip.js";
import { makeZip } from "client-zip";
import { upload } from "./_client.ts";
import { anonymizeLocally, startTestServer, TOKEN } from "./_harness.ts";

const CORPUS = new URL("../fixtures/corpus/", import.meta.url);
const HEADERS = { authorization: `Bearer ${TOKEN}`, "content-type": "application/zip" };

async function deflatedZip(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const writer = new ZipWriter(new BlobWriter("application/zip"), { useWebWorkers: false });
  for (const [name, bytes] of Object.entries(files)) {
    await writer.add(name, new Uint8ArrayReader(bytes));
  }
  return new Uint8Array(await (await writer.close()).arrayBuffer());
}

async function unzip(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes), { useWebWorkers: false });
  const out = new Map<string, Uint8Array>();
  for (const e of await reader.getEntries()) {
    if (!e.directory) out.set(e.filename, await e.getData(new Uint8ArrayWriter()));
  }
  await reader.close();
  return out;
}

const tmpEmpty = (dir: string) => {
  try {
    return [...Deno.readDirSync(join(dir, "tmp"))].length === 0;
  } catch {
    return true;
  }
};

Deno.test("POST /api/anonymize turns a ZIP upload into a ZIP of de-identified files", async () => {
  const t = await startTestServer();
  try {
    const ct = await Deno.readFile(new URL("pydicom__CT_small.dcm", CORPUS));
    const mr = await Deno.readFile(new URL("pydicom__MR_small_bigendian.dcm", CORPUS));
    const zip = await deflatedZip({
      "study/ct.dcm": ct,
      "study/sub/mr.dcm": mr,
      "README.txt": new TextEncoder().encode("not DICOM"),
    });
    const res = await upload(`${t.url}/api/anonymize`, zip, { chunkSize: 8192, headers: HEADERS });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/zip");
    const files = await unzip(res.body);
    assert.deepEqual([...files.keys()].sort(), [
      "deid-report.json",
      "study/ct.dcm",
      "study/sub/mr.dcm",
    ]);
    assert.deepEqual(files.get("study/ct.dcm"), anonymizeLocally(ct));
    assert.deepEqual(files.get("study/sub/mr.dcm"), anonymizeLocally(mr));
    const report = JSON.parse(new TextDecoder().decode(files.get("deid-report.json")));
    assert.equal(report.skipped[0].name, "README.txt");
    assert.match(report.skipped[0].error, /^Not DICOM/);
    assert.ok(tmpEmpty(t.dir), "the spooled upload is gone");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize rejects zip-slip names, bombs and broken archives", async () => {
  const t = await startTestServer({ env: { MAX_UPLOAD_BYTES: "1000000" } });
  try {
    const url = `${t.url}/api/anonymize`;
    const ct = await Deno.readFile(new URL("pydicom__CT_small.dcm", CORPUS));
    const slip = new Uint8Array(
      await new Response(makeZip([{ name: "../../evil.dcm", input: ct }])).arrayBuffer(),
    );
    const slipRes = await upload(url, slip, { headers: HEADERS });
    assert.equal(slipRes.status, 400);
    assert.match(new TextDecoder().decode(slipRes.body), /Unsafe path/);
    const bomb = await deflatedZip({ "zeros.dcm": new Uint8Array(20_000_000) });
    assert.ok(bomb.length < 100_000);
    const bombRes = await upload(url, bomb, { headers: HEADERS });
    assert.equal(bombRes.status, 413);
    const broken = await upload(url, ct, { headers: HEADERS });
    assert.equal(broken.status, 422);
    assert.match(new TextDecoder().decode(broken.body), /Not a readable ZIP/);
    const onlyText = await deflatedZip({ "a.txt": new TextEncoder().encode("hello") });
    assert.equal((await upload(url, onlyText, { headers: HEADERS })).status, 422);
    assert.ok(tmpEmpty(t.dir), "no spool left behind on any failure path");
  } finally {
    await t.dispose();
  }
});
