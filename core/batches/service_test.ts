import assert from "node:assert/strict";
import { join } from "node:path";
import { UnsafePathError, UploadTooLargeError } from "../limits/errors.ts";
import { DeidPolicyError } from "../deid/mod.ts";
import { BatchService } from "./service.ts";

const HOUR = 3600_000;
const CT = new URL("../../tests/fixtures/corpus/pydicom__CT_small.dcm", import.meta.url);

async function withService(
  f: (s: BatchService, clock: { t: number }, dir: string) => Promise<void>,
  maxUploadBytes = 10_000_000,
) {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  const clock = { t: Date.UTC(2025, 0, 1) };
  try {
    await f(
      new BatchService({
        kv,
        clock: () => clock.t,
        dataDir: dir,
        ttlMs: 24 * HOUR,
        maxUploadBytes,
        deidKey: new Uint8Array(32).fill(1),
      }),
      clock,
      dir,
    );
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function* chunks(bytes: Uint8Array, size = 1000) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const listTree = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      if (e.isDirectory) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(rel + e.name);
    }
  };
  walk(dir, "");
  return out.sort();
};

Deno.test("BatchService.upload() stores the anonymized file and its record", () =>
  withService(async (s, _clock, dir) => {
    const b = await s.create(new URLSearchParams("profile=ps315-basic"));
    const ct = await Deno.readFile(CT);
    const rec = await s.upload(b, "P1/study/ct.dcm", chunks(ct));
    assert.equal(rec.status, "done");
    assert.equal(rec.bytesIn, ct.length);
    const stored = await Deno.readFile(s.disk.filePath(b.id, "P1/study/ct.dcm"));
    assert.equal(stored.length, rec.bytesOut);
    assert.deepEqual(listTree(join(dir, "batches", b.id, "files")), ["P1/study/ct.dcm"]);
    assert.deepEqual((await s.store.files(b.id)).map((f) => f.path), ["P1/study/ct.dcm"]);
  }));

Deno.test("BatchService.upload() rejects non-DICOM at once and stores nothing", () =>
  withService(async (s, _clock, dir) => {
    const b = await s.create(new URLSearchParams());
    const rec = await s.upload(
      b,
      "notes.txt",
      chunks(new TextEncoder().encode("hello world, no DICOM")),
    );
    assert.equal(rec.status, "rejected");
    assert.match(rec.error!.message, /^Not DICOM/);
    // Only its compliance-manifest record (a status, no byte of the upload) is kept.
    const left = listTree(join(dir, "batches", b.id));
    assert.deepEqual(left.map((f) => f.replace(/[0-9a-f]{64}/, "H")), ["manifest/H.json"]);
    const record = await Deno.readTextFile(join(dir, "batches", b.id, left[0]));
    assert.deepEqual(JSON.parse(record), { status: "not-dicom" });
  }));

Deno.test("BatchService.upload() leaves nothing for an oversize upload", () =>
  withService(async (s, _clock, dir) => {
    const b = await s.create(new URLSearchParams());
    const ct = await Deno.readFile(CT);
    await assert.rejects(s.upload(b, "big.dcm", chunks(ct)), UploadTooLargeError);
    await assert.rejects(s.upload(b, "big.dcm", chunks(ct), ct.length), UploadTooLargeError);
    assert.deepEqual(await s.store.files(b.id), []);
    assert.deepEqual(listTree(join(dir, "batches", b.id)), []);
  }, 10_000));

Deno.test("BatchService refuses bad settings and colliding paths", () =>
  withService(async (s) => {
    await assert.rejects(s.create(new URLSearchParams("profile=nope")), DeidPolicyError);
    const b = await s.create(new URLSearchParams());
    const ct = await Deno.readFile(CT);
    await s.upload(b, "a/b.dcm", chunks(ct));
    await assert.rejects(s.upload(b, "a", chunks(ct)), UnsafePathError);
    await assert.rejects(s.upload(b, "a/b.dcm/c.dcm", chunks(ct)), UnsafePathError);
  }));

Deno.test("BatchService.sweep() removes expired batches and their files (injected clock)", () =>
  withService(async (s, clock, dir) => {
    const ct = await Deno.readFile(CT);
    const old = await s.create(new URLSearchParams());
    await s.upload(old, "x.dcm", chunks(ct));
    clock.t += 20 * HOUR;
    const young = await s.create(new URLSearchParams());
    await s.upload(young, "y.dcm", chunks(ct));
    clock.t += 5 * HOUR;
    assert.equal(await s.store.get(old.id), null, "expired on read, before any sweep");
    assert.equal(await s.sweep(), 1);
    assert.deepEqual(await s.disk.ids(), [young.id]);
    assert.deepEqual((await s.store.all()).map((b) => b.id), [young.id]);
    const left = listTree(join(dir, "batches"));
    assert.deepEqual(left.filter((f) => !f.includes("/manifest/")), [`${young.id}/files/y.dcm`]);
    // The young batch's manifest record stays; nothing of the expired batch does.
    assert.deepEqual(
      left.filter((f) => f.includes("/manifest/")).map((f) => f.split("/")[0]),
      [young.id],
    );
  }));
