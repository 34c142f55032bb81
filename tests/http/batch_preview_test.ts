/**
 * `GET /api/batches/:id/preview/*` against a real server: a PNG of the stored output (never
 * the upload), rendered once and cached beside it, revalidated by ETag, re-rendered when the
 * file is replaced, an SVG reason when there is none, the same authentication as downloads.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { corpusPath } from "../support/manifest.ts";
import { decodePngs, expectedPreviews, maxDifference } from "../support/preview_reference.ts";
import { AUTH, createBatch, put } from "./_batches.ts";
import { startTestServer } from "./_harness.ts";

const preview = (url: string, id: string, path: string, query = "", headers = AUTH) =>
  fetch(
    `${url}/api/batches/${id}/preview/${path.split("/").map(encodeURIComponent).join("/")}${query}`,
    { headers },
  );

Deno.test("GET /api/batches/:id/preview/* renders the stored output once, with an ETag", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    const upload = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
    assert.equal((await put(t, id, "Doe^John/ct.dcm", upload)).status, 201);

    const res = await preview(t.url, id, "Doe^John/ct.dcm");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("cache-control"), "private, no-cache");
    const etag = res.headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const png = new Uint8Array(await res.arrayBuffer());

    // The PNG is the preview of the output the server stored, as pydicom + numpy compute it.
    const output = join(t.dir, "batches", id, "files", "Doe^John", "ct.dcm");
    const pngPath = join(t.dir, "got.png");
    await Deno.writeFile(pngPath, png);
    const ours = (await decodePngs([pngPath])).get(pngPath)!;
    const expected = (await expectedPreviews([output], 256)).get(output)!;
    assert.ok(maxDifference(ours, expected) <= 1);

    // Cached on disk in the batch folder; a second request reads it, a match is a 304.
    const cached = [...Deno.readDirSync(join(t.dir, "batches", id, "previews"))].map((e) => e.name);
    assert.deepEqual(cached, [`${etag.slice(1, -1)}.png`]);
    const again = await preview(t.url, id, "Doe^John/ct.dcm");
    assert.deepEqual(new Uint8Array(await again.arrayBuffer()), png);
    const revalidated = await preview(t.url, id, "Doe^John/ct.dcm", "", {
      ...AUTH,
      "if-none-match": etag,
    });
    assert.equal(revalidated.status, 304);
    await revalidated.body?.cancel();

    // The large size is another preview (the image is 128 px: not upscaled, same pixels).
    const large = await preview(t.url, id, "Doe^John/ct.dcm", "?size=large");
    assert.notEqual(large.headers.get("etag"), etag);
    assert.deepEqual(new Uint8Array(await large.arrayBuffer()), png);

    // Replacing the file changes the record, so the ETag and the preview follow.
    const mr = await Deno.readFile(corpusPath("pydicom__MR_small_implicit.dcm"));
    assert.equal((await put(t, id, "Doe^John/ct.dcm", mr)).status, 201);
    const replaced = await preview(t.url, id, "Doe^John/ct.dcm", "", {
      ...AUTH,
      "if-none-match": etag,
    });
    assert.equal(replaced.status, 200);
    assert.notEqual(replaced.headers.get("etag"), etag);
    assert.notDeepEqual(new Uint8Array(await replaced.arrayBuffer()), png);
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/batches/:id/preview/* answers an SVG with the reason when there is no image", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    const sr = await Deno.readFile(corpusPath("pydicom__test-SR.dcm"));
    assert.equal((await put(t, id, "report.dcm", sr)).status, 201);
    const jpeg = await Deno.readFile(corpusPath("pydicomdata__JPGLosslessP14SV1_1s_1f_8b.dcm"));
    assert.equal((await put(t, id, "lossless.dcm", jpeg)).status, 201);

    const none = await preview(t.url, id, "report.dcm");
    assert.equal(none.status, 200);
    assert.equal(none.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    assert.equal(
      decodeURIComponent(none.headers.get("x-preview-unavailable")!),
      "no Pixel Data (7FE0,0010)",
    );
    const svg = await none.text();
    assert.match(svg, /^<svg [^>]*width="256" height="256"/);
    assert.match(svg, /No preview.*no Pixel Data \(7FE0,0010\)/);

    // A compressed output is decoded (JPEG Lossless, 1024 × 768 → 256 × 192).
    const decoded = await preview(t.url, id, "lossless.dcm");
    assert.equal(decoded.headers.get("content-type"), "image/png");
    const png = new Uint8Array(await decoded.arrayBuffer());
    assert.deepEqual([...png.subarray(16, 24)], [0, 0, 1, 0, 0, 0, 0, 0xc0]); // IHDR width, height
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/batches/:id/preview/* needs authentication and a done file", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    assert.equal(
      (await put(t, id, "a.dcm", await Deno.readFile(corpusPath("pydicom__CT_small.dcm")))).status,
      201,
    );
    assert.equal((await put(t, id, "note.txt", "not DICOM")).status, 415);
    const anonymous = await preview(t.url, id, "a.dcm", "", {});
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    for (
      const [path, query, status] of [["note.txt", "", 404], ["missing.dcm", "", 404], [
        "a.dcm",
        "?size=huge",
        400,
      ]] as const
    ) {
      const res = await preview(t.url, id, path, query);
      assert.equal(res.status, status, `${path}${query}`);
      await res.body?.cancel();
    }
    const traversal = await fetch(`${t.url}/api/batches/${id}/preview/..%2F..%2Fkv.sqlite3`, {
      headers: AUTH,
    });
    assert.equal(traversal.status, 400);
    await traversal.body?.cancel();
  } finally {
    await t.dispose();
  }
});
