import assert from "node:assert/strict";
import { join } from "node:path";
import { mapUid } from "../../core/deid/uid.ts";
import { buildImage, type ImageSpec, pattern, pixelBytes } from "../support/pixel_image.ts";
import { KEY, startTestServer, type TestServer } from "./_harness.ts";
import { upload } from "./_client.ts";
import { AUTH, tree } from "./_batches.ts";
import {
  corpus,
  corpusPath,
  counts,
  type Dataset,
  dcmdumpUid,
  items,
  multipart,
  type Part,
  STOW_HEADERS,
  value,
} from "./_stow.ts";

const FILES = [
  "pydicom__CT_small.dcm",
  "pydicom__MR_small_implicit.dcm",
  "pydicomdata__liver_deflate.dcm",
  "pydicom__JPEG-lossy.dcm",
];
/** A small CT image; with Burned In Annotation YES the engine holds it back. */
const BURNED: ImageSpec = {
  rows: 16,
  columns: 16,
  bitsAllocated: 8,
  modality: "CT",
  sopClass: "1.2.840.10008.5.1.4.1.1.2",
};
const SOP_CLASS = "(0008,0016)";
const SOP_INSTANCE = "(0008,0018)";
const STUDY = "(0020,000d)";

/** POSTs a body; returns status, headers and the parsed DICOM JSON. */
async function stow(
  t: TestServer,
  body: Uint8Array<ArrayBuffer>,
  path = "/dicomweb/studies",
  headers = {},
) {
  const res = await fetch(`${t.url}${path}`, {
    method: "POST",
    body,
    headers: { ...STOW_HEADERS, ...headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Dataset };
}

/** Downloads a Retrieve URL (it needs the token, like every batch route) to `dest`. */
async function download(url: string, dest: string): Promise<void> {
  const res = await fetch(url, { headers: AUTH });
  assert.equal(res.status, 200);
  await Deno.writeFile(dest, new Uint8Array(await res.arrayBuffer()));
}

/** Every original top-level UID of the inputs: none may appear in an answer or a log. */
async function originalUids(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    for (const tag of [SOP_INSTANCE, STUDY]) out.push((await dcmdumpUid(p, tag))!);
  }
  return out;
}

Deno.test("POST /dicomweb/studies stores every part in a new batch and answers 200", async () => {
  const t = await startTestServer();
  try {
    const body = multipart(await Promise.all(FILES.map(async (f) => ({ body: await corpus(f) }))));
    // Written 7 bytes at a time: the server sees boundaries split at every position.
    const res = await upload(`${t.url}/dicomweb/studies`, body, {
      chunkSize: 7,
      headers: STOW_HEADERS,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/dicom+json");
    const text = new TextDecoder().decode(res.body);
    const json = JSON.parse(text) as Dataset;
    assert.equal(items(json, "00081198").length, 0, "no failures");
    const stored = items(json, "00081199");
    assert.equal(stored.length, FILES.length);
    const { batches } = await (await fetch(`${t.url}/api/batches`, { headers: AUTH })).json();
    assert.equal(batches.length, 1, "one new batch, listed like any other");
    const id = batches[0].id;
    assert.equal(value(json, "00081190"), `${t.url}/api/batches/${id}/zip`);
    for (const [i, item] of stored.entries()) {
      const input = corpusPath(FILES[i]);
      const output = join(t.dir, `out-${i}.dcm`);
      await download(value(item, "00081190") as string, output);
      // The UIDs answered are those of the stored (anonymized) file, as DCMTK reads them.
      assert.equal(value(item, "00081155"), await dcmdumpUid(output, SOP_INSTANCE), FILES[i]);
      assert.notEqual(value(item, "00081155"), await dcmdumpUid(input, SOP_INSTANCE));
      assert.equal(value(item, "00081150"), await dcmdumpUid(input, SOP_CLASS), FILES[i]);
      assert.deepEqual(item["00081196"], { vr: "US", Value: [0xb000] }, "coerced: de-identified");
    }
    const zip = await fetch(value(json, "00081190") as string, { headers: AUTH });
    assert.equal(zip.headers.get("content-type"), "application/zip");
    await zip.body?.cancel();
    const logs = t.logs.join("\n");
    for (const uid of await originalUids(FILES.map(corpusPath))) {
      assert.ok(!text.includes(uid), "no original UID in the answer");
      assert.ok(!logs.includes(uid), "no original UID in the log");
    }
    assert.ok(logs.includes('"route":"/dicomweb/studies"'));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies answers 202 with a Failure Reason per part not stored", async () => {
  const t = await startTestServer();
  try {
    const truncated = "pydicom__MR_truncated.dcm";
    const parts: Part[] = [
      { body: await corpus("pydicom__CT_small.dcm") },
      { body: "plain text is not an instance", type: "text/plain" },
      { body: await corpus("pydicom__crayons.icc") }, // declared DICOM, is not
      { body: await corpus("pydicom__DICOMDIR") },
      { body: await corpus(truncated) },
      {
        body: await corpus("pydicom__CT_small.dcm"),
        headers: ["Content-Transfer-Encoding: base64"],
      },
      { body: buildImage({ ...BURNED, burnedIn: "YES" }, pattern(pixelBytes(BURNED))) },
    ];
    const r = await stow(t, multipart(parts));
    assert.equal(r.status, 202);
    assert.equal(items(r.json, "00081199").length, 1);
    const failed = items(r.json, "00081198");
    assert.deepEqual(failed.map((f) => value(f, "00081197")), [
      0xc000, // not application/dicom
      0xc000, // not DICOM
      0x0122, // DICOMDIR: Media Storage Directory Storage is not stored
      0xc000, // malformed
      0xc000, // not binary
      0x0110, // held back: Burned In Annotation is YES
    ]);
    // The truncated MR was read far enough to name it: by its keyed UID, never the original.
    const original = await dcmdumpUid(corpusPath(truncated), SOP_INSTANCE);
    assert.equal(value(failed[3], "00081155"), mapUid(original!, KEY));
    assert.equal(value(failed[3], "00081150"), "1.2.840.10008.5.1.4.1.1.4");
    assert.deepEqual(failed[0]["00081155"], { vr: "UI" }, "unknown: present and empty");
    const inputs = ["pydicom__CT_small.dcm", truncated].map(corpusPath);
    for (const uid of await originalUids(inputs)) assert.ok(!r.text.includes(uid));
    // The batch lists what the UI should show: the stored file and the DICOM it could not use.
    const id = (value(r.json, "00081190") as string).split("/").at(-2);
    const batch = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(counts(batch), {
      processing: 0,
      done: 1,
      rejected: 2,
      "held-back": 1,
      failed: 1,
    });
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies answers 409 when nothing is stored and keeps no batch", async () => {
  const t = await startTestServer();
  try {
    const r = await stow(t, multipart([{ body: "{}", type: "application/dicom+json" }]));
    assert.equal(r.status, 409);
    assert.deepEqual(items(r.json, "00081198").map((f) => value(f, "00081197")), [0xc000]);
    assert.equal(r.json["00081190"], undefined, "no batch to retrieve");
    const { batches } = await (await fetch(`${t.url}/api/batches`, { headers: AUTH })).json();
    assert.deepEqual(batches, []);
    assert.deepEqual(tree(t.dir).filter((f) => f.startsWith("batches/")), []);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies/{study} stores only that study's instances, never logging it", async () => {
  const t = await startTestServer();
  const study = join(t.dir, "study");
  try {
    const { makeStudy } = await import("../support/anonymize_tree.ts");
    await makeStudy(study, ["--patients", "1", "--studies", "2", "--series", "1", "--images", "1"]);
    const files = tree(study).filter((f) => f.endsWith(".dcm")).map((f) => join(study, f));
    assert.equal(files.length, 2);
    const [a, b] = await Promise.all(files.map((f) => dcmdumpUid(f, STUDY)));
    assert.notEqual(a, b);
    const body = multipart(
      await Promise.all(files.map(async (f) => ({ body: await Deno.readFile(f) }))),
    );
    const r = await stow(t, body, `/dicomweb/studies/${a}`);
    assert.equal(r.status, 202);
    assert.equal(items(r.json, "00081199").length, 1);
    const failed = items(r.json, "00081198");
    assert.deepEqual(failed.map((f) => value(f, "00081197")), [0xa900]);
    const sop = await dcmdumpUid(files[1], SOP_INSTANCE);
    assert.equal(value(failed[0], "00081155"), mapUid(sop!, KEY));
    const logs = t.logs.join("\n");
    for (const uid of [a!, b!, sop!]) {
      assert.ok(!logs.includes(uid), "no study or instance UID in the log");
      assert.ok(!r.text.includes(uid), "none in the answer");
    }
    assert.ok(logs.includes('"route":"/dicomweb/studies/:study"'));
    const bad = await stow(t, body, "/dicomweb/studies/not-a-uid");
    assert.equal(bad.status, 400);
    assert.match(bad.json.error as unknown as string, /not a valid UID/);
  } finally {
    await t.dispose();
  }
});
