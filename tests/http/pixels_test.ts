// The burned-in guard and Clean Pixel Data over HTTP: the streaming endpoint refuses before
// its first byte, batches list held-back files and leave them out of downloads.
import assert from "node:assert/strict";
import { Uint8ArrayReader, ZipReader } from "@zip.js/zip.js";
import { upload } from "./_client.ts";
import { startTestServer } from "./_harness.ts";
import { AUTH, createBatch, put } from "./_batches.ts";
import { flatten } from "../support/flat_dataset.ts";
import { buildImage, type ImageSpec, pattern, pixelBytes } from "../support/pixel_image.ts";

const json = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body));
/** 512 × 512 × 8 bits: the header is a small fraction of the upload. */
const SPEC: ImageSpec = { rows: 512, columns: 512, bitsAllocated: 8, modality: "CT" };
const image = (burnedIn?: string) =>
  buildImage(
    { ...SPEC, burnedIn, sopClass: "1.2.840.10008.5.1.4.1.1.2" },
    pattern(pixelBytes(SPEC)),
  );

Deno.test("POST /api/anonymize answers 422 for burned-in annotation before the first byte", async () => {
  const t = await startTestServer();
  try {
    const url = `${t.url}/api/anonymize`;
    const body = image("YES");
    // Later chunks wait for the answer, so a reply that needed the whole upload would hang.
    const held = await upload(url, body, {
      chunkSize: 4096,
      headers: AUTH,
      beforeWrite: (sent, first) => (sent >= 8192 ? first : undefined),
    });
    assert.equal(held.status, 422);
    assert.match(String(held.headers["content-type"]), /^application\/json/);
    assert.ok(held.sentAtFirstByte <= 8192, `answered after ${held.sentAtFirstByte} bytes`);
    const err = json(held.body);
    assert.equal(err.reason, "burned-in");
    assert.match(err.error, /^Held back: burned-in annotation: .*\(0028,0301\) is YES/);

    const allowed = await upload(`${url}?allowBurnedIn=1`, body, { headers: AUTH });
    assert.equal(allowed.status, 200);
    assert.equal(flatten(allowed.body).get("00120062")!.text, "NO");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize?cleanPixels= blanks the rule's rectangles", async () => {
  const t = await startTestServer();
  try {
    const rules = [{ match: { Modality: "CT", Rows: 512 }, rectangles: [[0, 0, 512, 2]] }];
    const query = new URLSearchParams({ cleanPixels: JSON.stringify(rules) });
    const res = await upload(`${t.url}/api/anonymize?${query}`, image("YES"), {
      chunkSize: 7001,
      headers: AUTH,
    });
    assert.equal(res.status, 200);
    const pixels = flatten(res.body).get("7FE00010")!.bytes!;
    assert.ok(pixels.subarray(0, 1024).every((b) => b === 0), "the first two rows blanked");
    assert.ok(pixels.subarray(1024).every((b) => b !== 0), "the rest kept");
    const bad = await upload(`${t.url}/api/anonymize?cleanPixels=%5B1%5D`, image(), {
      headers: AUTH,
    });
    assert.equal(bad.status, 400);
    assert.match(json(bad.body).error, /^cleanPixels: rule 1: expected an object$/);
  } finally {
    await t.dispose();
  }
});

Deno.test("PUT /api/batches/:id/files lists a burned-in file as held back, out of the ZIP", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    const held = await put(t, id, "a/yes.dcm", new Blob([image("YES") as Uint8Array<ArrayBuffer>]));
    assert.equal(held.status, 422);
    const answer = await held.json();
    assert.equal(answer.file.status, "held-back");
    assert.match(answer.error, /^Held back: burned-in annotation/);
    assert.equal(
      (await put(t, id, "a/plain.dcm", new Blob([image() as Uint8Array<ArrayBuffer>]))).status,
      201,
    );

    const batch = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.equal(batch.counts["held-back"], 1);
    assert.equal(batch.counts.done, 1);
    const one = await fetch(`${t.url}/api/batches/${id}/files/a/yes.dcm`, { headers: AUTH });
    assert.equal(one.status, 404);
    await one.body?.cancel();

    const zip = new Uint8Array(
      await (await fetch(`${t.url}/api/batches/${id}/zip`, { headers: AUTH })).arrayBuffer(),
    );
    const reader = new ZipReader(new Uint8ArrayReader(zip), { useWebWorkers: false });
    const names = (await reader.getEntries()).map((e) => e.filename);
    await reader.close();
    assert.deepEqual(names, ["a/plain.dcm"]);
    // Nothing of the held-back upload stays on disk.
    const stored = await collectFiles(t.dir);
    assert.ok(!stored.some((p) => p.endsWith("yes.dcm")), stored.join(", "));
  } finally {
    await t.dispose();
  }
});

async function collectFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await collectFiles(p));
    else out.push(p);
  }
  return out;
}
