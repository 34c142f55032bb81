/** GET /api/batches/:id/manifest: one signed manifest per batch, from records kept on disk. */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { join } from "node:path";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from "@zip.js/zip.js";
import { KEY, startTestServer, type TestServer } from "./_harness.ts";
import { AUTH, createBatch, put } from "./_batches.ts";
import {
  checkManifest,
  hashKeyFor,
  hmacHex,
  type Rec,
  sha256Hex,
} from "../support/audit_manifest.ts";
import { explicit, part10 } from "../fixtures/build.ts";
import { EXPLICIT_VR_LE } from "../../core/dicom/transfer_syntax.ts";

const corpus = (name: string) =>
  Deno.readFile(new URL(`../fixtures/corpus/${name}`, import.meta.url));

/** GETs the batch manifest and checks chain and signature. */
async function manifestOf(t: TestServer, id: string) {
  const res = await fetch(`${t.url}/api/batches/${id}/manifest`, { headers: AUTH });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-disposition")!, /manifest\.jsonl/);
  const m = checkManifest(await res.text());
  assert.deepEqual(m.problems, []);
  return m;
}

/** Uploads `files` (path → bytes) into a batch; returns the statuses answered. */
async function upload(t: TestServer, id: string, files: Record<string, Uint8Array>) {
  const statuses: Record<string, number> = {};
  for (const [path, bytes] of Object.entries(files)) {
    const res = await put(t, id, path, new Uint8Array(bytes));
    statuses[path] = res.status;
    await res.body?.cancel();
    t.clock.t += 1000; // records are listed in the order the files finished
  }
  return statuses;
}

Deno.test("GET /api/batches/:id/manifest records every upload; hashes match the downloads", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t, "?profile=ps315-basic&option=retain-uids");
    const uploads = {
      "a/ct.dcm": await corpus("pydicom__CT_small.dcm"),
      "a/rtstruct.dcm": await corpus("pydicom__rtstruct.dcm"),
      "b/broken.dcm": await corpus("pydicom__MR_truncated.dcm"),
      "b/profile.icc": await corpus("pydicom__crayons.icc"),
      "b/DICOMDIR": await corpus("pydicom__DICOMDIR"),
    };
    const statuses = await upload(t, id, uploads);
    assert.deepEqual(Object.values(statuses), [201, 201, 422, 415, 415]);
    const m = await manifestOf(t, id);
    assert.deepEqual(m.header.profile, {
      id: "ps315-basic",
      edition: "2024b+2026d",
      options: ["retain-uids"],
    });
    assert.equal(m.header.hashKeyId, sha256Hex(hashKeyFor(KEY)).slice(0, 16));
    assert.deepEqual(m.files.map((f) => f.status), ["ok", "ok", "failed", "not-dicom", "dicomdir"]);
    assert.match(m.files[2].reason, /^Truncated value: .* in \(7FE0,0010\)$/);
    assert.deepEqual(m.summary.files, {
      ok: 2,
      copied: 0,
      "not-dicom": 1,
      dicomdir: 1,
      failed: 1,
      "held-back": 0,
    });
    const zip = await fetch(`${t.url}/api/batches/${id}/zip`, { headers: AUTH });
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(await zip.arrayBuffer())));
    const entries = new Map<string, Uint8Array>();
    for (const e of await reader.getEntries()) {
      if (!e.directory) entries.set(e.filename, await e.getData(new Uint8ArrayWriter()));
    }
    await reader.close();
    for (const f of m.files.filter((f: Rec) => f.status === "ok")) {
      const one = await fetch(`${t.url}/api/batches/${id}/files/${f.output}`, { headers: AUTH });
      const bytes = new Uint8Array(await one.arrayBuffer());
      assert.equal(f.outputSha256, sha256Hex(bytes), f.output);
      assert.equal(f.outputBytes, bytes.length);
      assert.equal(sha256Hex(entries.get(f.output)!), f.outputSha256, "the ZIP entry too");
      const original = uploads[f.output as keyof typeof uploads];
      assert.equal(f.inputHmac, hmacHex(hashKeyFor(KEY), original));
      assert.equal(f.inputBytes, original.length);
      assert.ok(f.actions.some((a: Rec) => a.column === "retain-uids"));
    }
    const nested = m.files[1].actions.filter((a: Rec) => a.path !== "");
    assert.ok(nested.length > 0, "rtstruct has actions inside sequences");
    // The key: DATA_DIR/manifest-signing.pem, mode 0600, the one in the header.
    const keyFile = join(t.dir, "manifest-signing.pem");
    assert.equal((await Deno.stat(keyFile)).mode! & 0o777, 0o600);
    const spki = createPublicKey(createPrivateKey(await Deno.readTextFile(keyFile)))
      .export({ type: "spki", format: "der" });
    assert.equal(m.header.signingKey.publicKey, Buffer.from(spki).toString("base64"));
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/batches/:id/manifest needs the same auth as the batch download", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    await upload(t, id, { "ct.dcm": await corpus("pydicom__CT_small.dcm") });
    const anonymous = await fetch(`${t.url}/api/batches/${id}/manifest`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const wrong = await fetch(`${t.url}/api/batches/${id}/manifest`, {
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const unknown = await fetch(`${t.url}/api/batches/${crypto.randomUUID()}/manifest`, {
      headers: AUTH,
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    assert.equal((await manifestOf(t, id)).files.length, 1);
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/batches/:id/manifest keeps action lists past KV's 64 KiB, across restarts", async () => {
  const t = await startTestServer();
  let again: TestServer | undefined;
  try {
    const id = await createBatch(t);
    // 3,000 private elements: 3,000 "delete" entries, about 200 KB of actions.
    const elements = Array.from({ length: 3000 }, (_, i) => explicit(0x00111000 + i, "LO", "AB"));
    const big = part10(EXPLICIT_VR_LE, ...elements);
    assert.deepEqual(Object.values(await upload(t, id, { "big.dcm": big })), [201]);
    await t.close();
    again = await startTestServer({ dir: t.dir });
    const res = await fetch(`${again.url}/api/batches/${id}/manifest`, { headers: AUTH });
    const text = await res.text();
    const m = checkManifest(text);
    assert.deepEqual(m.problems, []);
    const [file] = m.files;
    assert.ok(JSON.stringify(file.actions).length > 64 * 1024);
    assert.equal(file.actions.filter((a: Rec) => a.source === "private").length, 3000);
    assert.equal(file.actionsTruncated, 0);
  } finally {
    await again?.close();
    await Deno.remove(t.dir, { recursive: true });
  }
});

Deno.test("GET /api/batches/:id/manifest: 409 while a file is still processing", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    await upload(t, id, { "ct.dcm": await corpus("pydicom__CT_small.dcm") });
    await t.kv.set(["batch_file", id, "slow.dcm"], {
      path: "slow.dcm",
      status: "processing",
      bytesIn: 0,
      bytesOut: 0,
      updatedAt: t.clock.t,
    });
    const res = await fetch(`${t.url}/api/batches/${id}/manifest`, { headers: AUTH });
    assert.equal(res.status, 409);
    await res.body?.cancel();
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/batches/:id/manifest keeps one record per path: a re-upload replaces it", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    await upload(t, id, { "x.dcm": await corpus("pydicom__MR_truncated.dcm") });
    assert.equal((await manifestOf(t, id)).files[0].status, "failed");
    await upload(t, id, { "x.dcm": await corpus("pydicom__CT_small.dcm") });
    const m = await manifestOf(t, id);
    assert.deepEqual(m.files.map((f) => f.status), ["ok"]);
    assert.deepEqual(m.summary.failures, []);
  } finally {
    await t.dispose();
  }
});
