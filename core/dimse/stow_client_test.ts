import assert from "node:assert/strict";
import { join } from "node:path";
import { stowFiles } from "./stow_client.ts";
import { CORPUS, multipartParts, stowServer } from "./_test_harness.ts";

const FILES = ["pydicom__CT_small.dcm", "pydicom__JPEG-lossy.dcm", "pydicom__image_dfl.dcm"]
  .map((f) => join(CORPUS, f));

Deno.test("stowFiles() posts each file as one application/dicom part of a multipart/related body", async () => {
  const s = await stowServer(200, { "00081199": { vr: "SQ", Value: [{}, {}, {}] } });
  try {
    const r = await stowFiles(s.url, FILES, "tok-123");
    assert.deepEqual(r, { status: 200, sent: 3, failed: 0 });
    const [{ headers, body }] = s.received;
    assert.equal(headers.authorization, "Bearer tok-123");
    const type = String(headers["content-type"]);
    assert.match(
      type,
      /^multipart\/related; type="application\/dicom"; boundary=deid-[0-9a-f-]{36}$/,
    );
    const got = multipartParts(body, type.split("boundary=")[1]);
    assert.deepEqual(got.map((p) => p.headers), Array(3).fill("Content-Type: application/dicom"));
    for (const [i, file] of FILES.entries()) {
      assert.deepEqual(got[i].data, await Deno.readFile(file));
    }
  } finally {
    await s.close();
  }
});

Deno.test("stowFiles() counts failures from a 202 answer and from a 409", async () => {
  const partial = await stowServer(202, {
    "00081198": { vr: "SQ", Value: [{ "00081197": { vr: "US", Value: [0xc000] } }] },
  });
  const none = await stowServer(409, {});
  try {
    assert.deepEqual(await stowFiles(partial.url, FILES), { status: 202, sent: 2, failed: 1 });
    assert.equal(partial.received[0].headers.authorization, undefined);
    assert.deepEqual(await stowFiles(none.url, FILES), { status: 409, sent: 0, failed: 3 });
  } finally {
    await partial.close();
    await none.close();
  }
});
