import assert from "node:assert/strict";
import { join } from "node:path";
import { upload } from "./_client.ts";
import { anonymizeLocally, startTestServer, TOKEN } from "./_harness.ts";

const CORPUS = new URL("../fixtures/corpus/", import.meta.url);
const AUTH = { authorization: `Bearer ${TOKEN}` };
const read = (name: string) => Deno.readFile(new URL(name, CORPUS));
const json = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body));

async function curl(args: string[]) {
  const out = await new Deno.Command("curl", { args: ["-sS", ...args] }).output();
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("POST /api/anonymize answers 4xx JSON with tag and offset before the first byte", async () => {
  const t = await startTestServer();
  try {
    const url = `${t.url}/api/anonymize`;
    const headerOnly = (await read("pydicom__CT_small.dcm")).subarray(0, 500);
    const cut = await upload(url, headerOnly, { headers: AUTH });
    assert.equal(cut.status, 422);
    const body = json(cut.body);
    assert.equal(body.tag, "(0008,0018)");
    assert.equal(body.offset, 0x1f4);
    assert.match(body.error, /offset 0x/);
    const text = await upload(url, new TextEncoder().encode("hello, not a DICOM file at all"), {
      headers: AUTH,
    });
    assert.equal(text.status, 415);
    assert.deepEqual(json(text.body).offset, 0);
    const dicomdir = await upload(url, await read("pydicom__DICOMDIR"), { headers: AUTH });
    assert.equal(dicomdir.status, 422);
    assert.equal(json(dicomdir.body).reason, "dicomdir");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize aborts the connection on an error after the first byte", async () => {
  const t = await startTestServer();
  try {
    const bytes = (await read("fodicom__HasFragmentSequence.dcm")).subarray(0, 1_000_000);
    const res = await upload(`${t.url}/api/anonymize`, bytes, {
      chunkSize: 64 * 1024,
      headers: AUTH,
    });
    assert.equal(res.status, 200);
    assert.equal(res.aborted, true, "the client must see a broken transfer");
    const file = join(t.dir, "truncated.dcm");
    await Deno.writeFile(file, bytes);
    const c = await curl([
      "-T",
      file,
      "-X",
      "POST",
      "-H",
      `Authorization: Bearer ${TOKEN}`,
      "-o",
      "/dev/null",
      `${t.url}/api/anonymize`,
    ]);
    assert.notEqual(c.code, 0, "curl exits non-zero, never a truncated success");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize enforces MAX_UPLOAD_BYTES with 413 or an abort", async () => {
  const t = await startTestServer({ env: { MAX_UPLOAD_BYTES: "100000" } });
  try {
    const bytes = await read("fodicom__HasFragmentSequence.dcm");
    const url = `${t.url}/api/anonymize`;
    const declared = await upload(url, bytes, {
      chunkSize: 64 * 1024,
      headers: { ...AUTH, "content-length": String(bytes.length) },
    });
    assert.equal(declared.status, 413);
    assert.match(json(declared.body).error, /limit of 100000 bytes/);
    const chunked = await upload(url, bytes, { chunkSize: 64 * 1024, headers: AUTH });
    assert.ok(chunked.aborted || chunked.status === 413, `${chunked.status}`);
    assert.ok(chunked.body.length <= 100_000 + 4096);
    const names = [...Deno.readDirSync(t.dir)].map((e) => e.name);
    assert.ok(!names.includes("tmp") || [...Deno.readDirSync(join(t.dir, "tmp"))].length === 0);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize round-trips a curl -T upload with a bearer token", async () => {
  const t = await startTestServer();
  try {
    const src = new URL("pydicom__MR_small_bigendian.dcm", CORPUS).pathname;
    const out = join(t.dir, "out.dcm");
    const url = `${t.url}/api/anonymize?profile=ps315-basic&option=retain-uids`;
    const ok = await curl([
      "-f",
      "-T",
      src,
      "-X",
      "POST",
      "-H",
      `Authorization: Bearer ${TOKEN}`,
      "-o",
      out,
      url,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const want = anonymizeLocally(await Deno.readFile(src), {
      profile: "ps315-basic",
      options: ["retain-uids"],
    });
    assert.deepEqual(await Deno.readFile(out), want);
    const denied = await curl([
      "-T",
      src,
      "-X",
      "POST",
      "-w",
      "%{http_code}",
      "-o",
      "/dev/null",
      url,
    ]);
    assert.equal(new TextDecoder().decode(denied.stdout), "401");
  } finally {
    await t.dispose();
  }
});
