import assert from "node:assert/strict";
import { chainAndSign, makeSigner, type TestSigner } from "../../tests/verify/manifest_fixture.ts";
import type { Finding } from "./findings.ts";
import { signatureFindings } from "./manifest_keys.ts";
import { readManifest } from "./manifest_read.ts";

const H = (c: string) => c.repeat(64);

function records(signer: TestSigner): Record<string, unknown>[] {
  return [
    {
      type: "header",
      format: "deid-manifest/1",
      created: "2026-11-25T18:00:00.000Z",
      tool: "deid",
      version: "0.1.0",
      profile: { id: "dicomfields_2023", edition: "2023", options: [] },
      keepPrivateTags: false,
      userRules: [],
      keyId: "0123456789abcdef",
      hashKeyId: "fedcba9876543210",
      signingKey: signer.header,
    },
    {
      type: "file",
      status: "ok",
      output: "a/1.dcm",
      outputSha256: H("a"),
      outputBytes: 10,
      inputUids: [H("1"), H("2")],
    },
    { type: "file", status: "not-dicom" },
    {
      type: "file",
      status: "ok",
      output: "a/2.dcm",
      outputSha256: H("b"),
      outputBytes: 20,
      inputUids: [H("2"), H("3")],
    },
    {
      type: "summary",
      files: { ok: 2, copied: 0, "not-dicom": 1, dicomdir: 0, failed: 0, "held-back": 0 },
    },
  ];
}

async function read(text: string, pinned?: TestSigner) {
  const findings: Finding[] = [];
  const bytes = new TextEncoder().encode(text);
  // Odd-sized chunks: lines must be found across chunk boundaries.
  const chunks = async function* () {
    for (let i = 0; i < bytes.length; i += 37) yield bytes.subarray(i, i + 37);
  };
  const data = await readManifest("m.jsonl", chunks(), (f) => findings.push(f));
  findings.push(...signatureFindings("m.jsonl", data, pinned?.publicKey));
  return { data, found: findings.map((f) => `${f.check}@${f.offset}`) };
}

Deno.test("readManifest() accepts a well-formed, signed manifest", async () => {
  const signer = makeSigner();
  const { data, found } = await read(chainAndSign(records(signer), signer), signer);
  assert.deepEqual(found, []);
  assert.deepEqual([...data.outputs.keys()], ["a/1.dcm", "a/2.dcm"]);
  assert.equal(data.outputs.get("a/2.dcm")?.outputBytes, 20);
  assert.deepEqual([...data.inputUids].sort(), [H("1"), H("2"), H("3")]);
  assert.equal(data.header?.profileId, "dicomfields_2023");
});

Deno.test("readManifest() finds an edited record through the chain", async () => {
  const signer = makeSigner();
  const lines = chainAndSign(records(signer), signer).split("\n");
  lines[1] = lines[1].replace('"outputBytes":10', '"outputBytes":11');
  assert.deepEqual((await read(lines.join("\n"))).found, ["manifest-chain@3"]);
});

Deno.test("readManifest() finds a removed and a reordered record", async () => {
  const signer = makeSigner();
  const lines = chainAndSign(records(signer), signer).split("\n");
  const removed = [...lines.slice(0, 2), ...lines.slice(3)].join("\n");
  const r1 = await read(removed);
  assert.ok(r1.found.includes("manifest-chain@3"), r1.found.join());
  assert.ok(r1.found.includes("manifest-summary@4"), r1.found.join());
  const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n");
  const r2 = await read(swapped);
  assert.ok(r2.found.includes("manifest-chain@2") && r2.found.includes("manifest-chain@3"));
});

Deno.test("signatureFindings() refuses a re-chained manifest with the old signature", async () => {
  const signer = makeSigner();
  const good = chainAndSign(records(signer), signer).trimEnd().split("\n");
  const edited = records(signer);
  (edited[1] as { outputBytes: number }).outputBytes = 11;
  const rechained = chainAndSign(edited, undefined) + `${good.at(-1)}\n`;
  const { found } = await read(rechained);
  // The old signature is valid over the old head, which is no longer the summary's hash.
  assert.deepEqual(found, ["manifest-signature@6"]);
});

Deno.test("signatureFindings() needs --public-key to catch a manifest re-signed by another key", async () => {
  const signer = makeSigner(), other = makeSigner();
  const forged = records(other);
  (forged[1] as { outputBytes: number }).outputBytes = 11;
  const text = chainAndSign(forged, other);
  assert.deepEqual((await read(text)).found, [], "self-consistent without a pin");
  assert.deepEqual((await read(text, signer)).found, [
    "manifest-signature@1",
    "manifest-signature@6",
  ]);
});

Deno.test("readManifest() reports an unsigned manifest and a bad line", async () => {
  const signer = makeSigner();
  const unsigned = chainAndSign(records(signer), undefined);
  assert.deepEqual((await read(unsigned)).found, ["manifest-signature@0"]);
  const lines = chainAndSign(records(signer), signer).split("\n");
  lines[2] = "not json at all";
  const { found } = await read(lines.join("\n"));
  assert.ok(
    found.includes("manifest-format@3") && found.includes("manifest-chain@4"),
    found.join(),
  );
  const noNewline = chainAndSign(records(signer), signer).trimEnd();
  assert.deepEqual((await read(noNewline)).found, ["manifest-format@6"]);
});

Deno.test("readManifest() checks the summary's counts against the records", async () => {
  const signer = makeSigner();
  const r = records(signer);
  r[4] = { type: "summary", files: { ok: 3, "not-dicom": 1 } };
  assert.deepEqual((await read(chainAndSign(r, signer))).found, ["manifest-summary@5"]);
});
