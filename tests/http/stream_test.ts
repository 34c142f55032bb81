import assert from "node:assert/strict";
import { upload } from "./_client.ts";
import { anonymizeLocally, login, startTestServer, TOKEN } from "./_harness.ts";

const CORPUS = new URL("../fixtures/corpus/", import.meta.url);
const FILES = [
  "pydicom__CT_small.dcm",
  "pydicom__MR_small_bigendian.dcm",
  "pydicom__image_dfl.dcm",
  "dcmjs__sample-sr.dcm",
  "fodicom__multiframe.dcm",
];
const AUTH = { authorization: `Bearer ${TOKEN}` };

const expected = (bytes: Uint8Array, profile?: string) => anonymizeLocally(bytes, { profile });

Deno.test("POST /api/anonymize round-trips corpus files at several client chunkings", async () => {
  const t = await startTestServer();
  try {
    for (const file of FILES) {
      const bytes = await Deno.readFile(new URL(file, CORPUS));
      const want = expected(bytes);
      for (const chunkSize of [7, 4096, 65536, bytes.length]) {
        if (chunkSize === 7 && bytes.length > 50_000) continue; // slow and adds nothing
        const res = await upload(`${t.url}/api/anonymize`, bytes, { chunkSize, headers: AUTH });
        assert.equal(res.status, 200, `${file} @${chunkSize}`);
        assert.equal(res.headers["content-type"], "application/dicom");
        assert.deepEqual(res.body, want, `${file} @${chunkSize}`);
      }
    }
    const minimal = await Deno.readFile(new URL(FILES[0], CORPUS));
    const res = await upload(`${t.url}/api/anonymize?minimal=1`, minimal, { headers: AUTH });
    assert.deepEqual(res.body, expected(minimal, "minimal"));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize sends the first byte before the upload ends", async () => {
  const t = await startTestServer();
  try {
    const bytes = await Deno.readFile(new URL("fodicom__HasFragmentSequence.dcm", CORPUS));
    const res = await upload(`${t.url}/api/anonymize`, bytes, {
      chunkSize: 16 * 1024,
      headers: AUTH,
      beforeWrite: async (sent, firstByte) => {
        // A slow client: past 256 KiB, send nothing more until the answer has started.
        if (sent === 256 * 1024) await firstByte;
      },
    });
    assert.equal(res.status, 200);
    assert.ok(
      res.sentAtFirstByte > 0 && res.sentAtFirstByte <= 256 * 1024,
      String(res.sentAtFirstByte),
    );
    assert.ok(res.sentAtFirstByte < bytes.length / 2);
    assert.deepEqual(res.body, expected(bytes));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize requires a bearer token or a session with CSRF", async () => {
  const t = await startTestServer();
  try {
    const bytes = await Deno.readFile(new URL(FILES[0], CORPUS));
    const url = `${t.url}/api/anonymize`;
    const none = await upload(url, bytes);
    assert.equal(none.status, 401);
    assert.equal(none.headers["www-authenticate"], 'Bearer realm="deid"');
    assert.equal(
      (await upload(url, bytes, { headers: { authorization: "Bearer nope" } })).status,
      401,
    );
    const { cookie, csrf } = await login(t.url);
    const noCsrf = await upload(url, bytes, { headers: { cookie } });
    assert.equal(noCsrf.status, 403);
    assert.match(new TextDecoder().decode(noCsrf.body), /CSRF/);
    const foreign = await upload(url, bytes, {
      headers: { cookie, "x-csrf-token": csrf, origin: "http://evil.example" },
    });
    assert.equal(foreign.status, 403);
    const ok = await upload(url, bytes, { headers: { cookie, "x-csrf-token": csrf } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, expected(bytes));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize rejects bad parameters with 400 JSON", async () => {
  const t = await startTestServer();
  try {
    const bytes = await Deno.readFile(new URL(FILES[0], CORPUS));
    for (const q of ["profile=nope", "rule=(0010,0020)", "option=retain-uids", "frobnicate=1"]) {
      const res = await upload(`${t.url}/api/anonymize?${q}`, bytes, { headers: AUTH });
      assert.equal(res.status, 400, q);
      assert.equal(typeof JSON.parse(new TextDecoder().decode(res.body)).error, "string");
    }
    const rules = encodeURIComponent('[["(0010,0020)","keep"]]');
    const ok = await upload(`${t.url}/api/anonymize?rules=${rules}`, bytes, { headers: AUTH });
    assert.equal(ok.status, 200);
  } finally {
    await t.dispose();
  }
});
