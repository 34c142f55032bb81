import assert from "node:assert/strict";
import { join } from "node:path";
import { loadOrCreateSigningKey } from "./signing_key.ts";
import { ManifestExistsError, ManifestWriter } from "./writer.ts";
import type { FileOutcome } from "./records.ts";
import { checkManifest, sha256Hex } from "../../tests/support/audit_manifest.ts";

const HEADER = {
  created: new Date("2026-11-25T18:00:00.000Z"),
  tool: "deid",
  version: "0.0.0-test",
  profile: { id: "ps315-basic", edition: "2024b+2026d", options: ["retain-uids"] },
  keepPrivateTags: false,
  userRules: [{ tag: "(0010,0010)", action: "keep" }],
  keyId: "0123456789abcdef",
  hashKeyId: "fedcba9876543210",
};
const DIGESTS = {
  outputSha256: "a".repeat(64),
  outputBytes: 10,
  inputHmac: "b".repeat(64),
  inputBytes: 12,
};
const OUTCOMES: FileOutcome[] = [
  {
    status: "ok",
    output: "s1/IM1.dcm",
    evidence: {
      ...DIGESTS,
      inputUids: ["c".repeat(64)],
      inputUidsTruncated: 0,
      actions: [{
        tag: "(0010,0010)",
        keyword: "PatientName",
        path: "",
        action: "keep",
        source: "user",
      }],
      actionsTruncated: 0,
      counts: { keep: 1, delete: 4 },
    },
  },
  { status: "not-dicom" },
  { status: "failed", reason: "Truncated value at offset 0x10 in (7FE0,0010)" },
  { status: "failed", reason: "Truncated value at offset 0x10 in (7FE0,0010)" },
  { status: "copied", output: "notes.txt", evidence: DIGESTS },
];

/** Writes OUTCOMES into `dir/m.jsonl`; returns the path and the text. */
async function write(dir: string) {
  const signingKey = await loadOrCreateSigningKey(join(dir, "k.pem"));
  const path = join(dir, "m.jsonl");
  const w = await ManifestWriter.open({ path, header: HEADER, signingKey });
  for (const o of OUTCOMES) await w.add(o);
  await w.finish();
  return { path, text: await Deno.readTextFile(path), key: signingKey };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "deid-manifest-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ManifestWriter() writes a chained manifest whose Ed25519 signature verifies", async () => {
  await withDir(async (dir) => {
    const { text, key } = await write(dir);
    const m = checkManifest(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.header.format, "deid-manifest/1");
    assert.equal(m.header.signingKey.publicKey, key.publicKey);
    assert.deepEqual(Object.keys(m.header), [
      "type",
      "seq",
      "prev",
      "format",
      "created",
      "tool",
      "version",
      "profile",
      "keepPrivateTags",
      "pseudonyms",
      "userRules",
      "keyId",
      "hashKeyId",
      "signingKey",
    ]);
    assert.deepEqual(m.files.map((f) => f.status), [
      "ok",
      "not-dicom",
      "failed",
      "failed",
      "copied",
    ]);
    assert.deepEqual(Object.keys(m.files[0]), [
      "type",
      "seq",
      "prev",
      "status",
      "output",
      "outputSha256",
      "outputBytes",
      "inputHmac",
      "inputBytes",
      "inputUids",
      "inputUidsTruncated",
      "actions",
      "actionsTruncated",
    ]);
    assert.deepEqual(Object.keys(m.files[1]), ["type", "seq", "prev", "status"]);
    assert.deepEqual(Object.keys(m.files[2]), ["type", "seq", "prev", "status", "reason"]);
    assert.deepEqual(Object.keys(m.files[4]), [
      "type",
      "seq",
      "prev",
      "status",
      "output",
      "outputSha256",
      "outputBytes",
      "inputHmac",
      "inputBytes",
    ]);
    assert.deepEqual(m.summary.files, {
      ok: 1,
      copied: 1,
      "not-dicom": 1,
      dicomdir: 0,
      failed: 2,
      "held-back": 0,
    });
    assert.deepEqual(m.summary.actions, { delete: 4, keep: 1 });
    assert.deepEqual(m.summary.failures, [{ reason: OUTCOMES[2].reason, count: 2 }]);
    for (const line of text.trimEnd().split("\n")) {
      assert.equal(line, JSON.stringify(JSON.parse(line)), "compact JSON, one object per line");
    }
  });
});

Deno.test("ManifestWriter() output: a flipped byte, a removed or swapped line breaks the check", async () => {
  await withDir(async (dir) => {
    const { text } = await write(dir);
    const lines = text.split("\n");
    // One digit of file record 1's output size: 10 → 11.
    const flipped = text.replace('"outputBytes":10,', '"outputBytes":11,');
    assert.notEqual(flipped, text);
    assert.match(checkManifest(flipped).problems.join(), /line 3: prev does not chain/);
    const removed = [...lines.slice(0, 2), ...lines.slice(3)].join("\n");
    assert.ok(checkManifest(removed).problems.length > 0);
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n");
    assert.ok(checkManifest(swapped).problems.length > 0);
    // Re-chained after the edit but not re-signed: the signature no longer covers it.
    const recs = flipped.replace(/\n$/, "").split("\n");
    let prev = "0".repeat(64);
    for (let i = 0; i < recs.length - 1; i++) {
      const r = JSON.parse(recs[i]);
      r.prev = prev;
      recs[i] = JSON.stringify(r);
      prev = sha256Hex(recs[i]);
    }
    const sig = JSON.parse(recs[recs.length - 1]);
    recs[recs.length - 1] = JSON.stringify({ ...sig, head: prev });
    assert.deepEqual(checkManifest(recs.join("\n") + "\n").problems, ["signature does not verify"]);
  });
});

Deno.test("ManifestWriter() shows nothing under the final name until finish()", async () => {
  await withDir(async (dir) => {
    const signingKey = await loadOrCreateSigningKey(join(dir, "k.pem"));
    const path = join(dir, "m.jsonl");
    const w = await ManifestWriter.open({ path, header: HEADER, signingKey });
    await w.add(OUTCOMES[0]);
    const names = () => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names().filter((n) => n !== "k.pem").map((n) => n.replace(/\d+$/, "N")), [
      ".m.jsonl.partial-N",
    ]);
    await w.abort();
    assert.deepEqual(names(), ["k.pem"]);
  });
});

Deno.test("ManifestWriter.open() refuses an existing manifest unless asked to overwrite", async () => {
  await withDir(async (dir) => {
    const { path, key } = await write(dir);
    await assert.rejects(
      ManifestWriter.open({ path, header: HEADER, signingKey: key }),
      ManifestExistsError,
    );
    const w = await ManifestWriter.open({ path, header: HEADER, signingKey: key, overwrite: true });
    await w.finish();
    const m = checkManifest(await Deno.readTextFile(path));
    assert.deepEqual(m.problems, []);
    assert.equal(m.files.length, 0);
  });
});
