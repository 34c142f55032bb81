import assert from "node:assert/strict";
import { mapUid } from "../deid/uid.ts";
import type { RelatedPart } from "../net/multipart_parts.ts";
import { MultipartError } from "../net/multipart_related.ts";
import { BatchService } from "./service.ts";
import { FAILURE, StowIngest } from "./stow.ts";

const KEY = new Uint8Array(32).fill(3);
const CT = new URL("../../tests/fixtures/corpus/pydicom__CT_small.dcm", import.meta.url);
// pydicom's CT_small.dcm: (0008,0018) and (0020,000D) as written in the file.
const CT_SOP = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
const CT_STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

async function withIngest(
  study: string | undefined,
  f: (s: StowIngest, svc: BatchService, id: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  try {
    const svc = new BatchService({
      kv,
      dataDir: dir,
      ttlMs: 3600_000,
      maxUploadBytes: 1e7,
      deidKey: KEY,
    });
    const meta = await svc.create(new URLSearchParams());
    await f(new StowIngest({ batches: svc, meta, key: KEY, study }), svc, meta.id);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A part whose body yields `bytes` in 500-byte chunks, then optionally throws. */
function part(
  index: number,
  bytes: Uint8Array,
  opts: { type?: string; fail?: Error } = {},
): RelatedPart {
  return {
    index,
    headers: new Map([["content-type", opts.type ?? "application/dicom"]]),
    body: (async function* () {
      for (let at = 0; at < bytes.length; at += 500) yield bytes.subarray(at, at + 500);
      if (opts.fail) throw opts.fail;
    })(),
  };
}

Deno.test("StowIngest.store() refuses an instance of another study before storing it", () =>
  withIngest("1.2.3.4", async (s, svc, id) => {
    await s.store(part(1, await Deno.readFile(CT)));
    assert.deepEqual(s.stored, []);
    assert.deepEqual(s.failed, [{
      part: 1,
      reason: FAILURE.doesNotMatch,
      sopClassUid: "1.2.840.10008.5.1.4.1.1.2",
      sopInstanceUid: mapUid(CT_SOP, KEY),
    }]);
    assert.deepEqual(await svc.store.files(id), [], "no record, no file");
  }));

Deno.test("StowIngest.store() stores an instance of the study and reports its new UIDs", () =>
  withIngest(CT_STUDY, async (s) => {
    await s.store(part(1, await Deno.readFile(CT)));
    assert.equal(s.failed.length, 0);
    assert.equal(s.stored[0].path, "00001.dcm");
    assert.equal(s.stored[0].sopInstanceUid, mapUid(CT_SOP, KEY), "the stored file's UID");
    assert.notEqual(s.stored[0].sopInstanceUid, CT_SOP);
  }));

Deno.test("StowIngest.store() refuses empty and non-DICOM parts as cannot understand", () =>
  withIngest(CT_STUDY, async (s) => {
    await s.store(part(1, new Uint8Array(0)));
    await s.store(part(2, new TextEncoder().encode("hello"), { type: "text/plain" }));
    assert.deepEqual(s.failed.map((f) => [f.part, f.reason, f.sopInstanceUid]), [
      [1, FAILURE.cannotUnderstand, undefined],
      [2, FAILURE.cannotUnderstand, undefined],
    ]);
  }));

Deno.test("StowIngest.store() records a framing error against its part and rethrows it", () =>
  withIngest(undefined, async (s, svc, id) => {
    const ct = await Deno.readFile(CT);
    const cut = new MultipartError("the body ended before the final boundary (truncated request)");
    await assert.rejects(
      () => s.store(part(1, ct.subarray(0, 20_000), { fail: cut })),
      MultipartError,
    );
    assert.deepEqual(s.failed.map((f) => f.reason), [FAILURE.cannotUnderstand]);
    assert.deepEqual(await svc.store.files(id), []);
    await assert.rejects(
      () => s.store(part(2, ct, { fail: new Error("disk on fire") })),
      /on fire/,
    );
  }));
