import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { parseRuleArgs } from "../deid/mod.ts";
import { anonymizeBytes, TEST_KEY } from "../../tests/support/anonymize_tree.ts";
import { flatten } from "../../tests/support/flat_dataset.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { chainAndSign, makeSigner, type TestSigner } from "../../tests/verify/manifest_fixture.ts";
import { canonicalProfile } from "./profiles.ts";
import { type OutputSource, verifyOutputs } from "./verify_run.ts";

const FILES = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm"];
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
// The manifest's keys, computed here from docs/manifest.md, not with verify's own functions.
const HASH_KEY = createHmac("sha256", TEST_KEY).update("deid-manifest/1 hash key").digest();
const KEY_ID = createHash("sha256").update("dicom-deid key fingerprint\0").update(TEST_KEY)
  .digest("hex").slice(0, 16);

/** Outputs of the corpus files under `config`, and the manifest records a writer would give. */
async function run(config: Parameters<typeof anonymizeBytes>[1], signer: TestSigner) {
  const outputs = new Map<string, Uint8Array>();
  const files: Record<string, unknown>[] = [];
  for (const name of FILES) {
    const input = await Deno.readFile(corpusPath(name));
    const output = anonymizeBytes(input, config);
    outputs.set(`out/${name}`, output);
    const uids = [...flatten(input).values()].filter((e) => e.vr === "UI")
      .flatMap((e) => e.text.split("\\"))
      .map((u) => createHmac("sha256", HASH_KEY).update(u).digest("hex"));
    files.push({
      type: "file",
      status: "ok",
      output: `out/${name}`,
      outputSha256: sha256(output),
      outputBytes: output.length,
      inputUids: [...new Set(uids)].sort(),
    });
  }
  const header = (rules: { tag: string; action: string }[] = []) => ({
    type: "header",
    format: "deid-manifest/1",
    profile: { id: "dicomfields_2023", edition: "2023", options: [] },
    keepPrivateTags: false,
    userRules: rules,
    keyId: KEY_ID,
    hashKeyId: sha256(HASH_KEY).slice(0, 16),
    signingKey: signer.header,
  });
  const summary = { type: "summary", files: { ok: FILES.length } };
  return { outputs, files, header, summary };
}

async function verify(
  outputs: Map<string, Uint8Array>,
  manifest: string,
  key: Uint8Array | null = TEST_KEY,
) {
  const sources: OutputSource[] = [...outputs].map(([rel, bytes]) => ({
    rel,
    open: async function* () {
      yield bytes;
    },
  }));
  const result = await verifyOutputs({
    outputs: sources,
    manifest: {
      name: "m.jsonl",
      open: async function* () {
        yield new TextEncoder().encode(manifest);
      },
    },
    deidKey: key ?? undefined,
    profile: canonicalProfile("dicomfields_2023", []),
  });
  return {
    result,
    found: result.findings.listed.map((f) => `${f.check} ${f.file} ${f.tag ?? ""}`.trim()),
  };
}

Deno.test("verifyOutputs() passes a clean run and checks its UIDs", async () => {
  const signer = makeSigner();
  const r = await run({}, signer);
  const { result, found } = await verify(
    r.outputs,
    chainAndSign([r.header(), ...r.files, r.summary], signer),
  );
  assert.deepEqual(found, []);
  assert.ok(result.uidsChecked > 10, `${result.uidsChecked} UIDs checked`);
  assert.equal(result.uidsSkipped, 0);
});

Deno.test("verifyOutputs() matches outputs and records both ways", async () => {
  const signer = makeSigner();
  const r = await run({}, signer);
  const text = chainAndSign([r.header(), ...r.files, r.summary], signer);
  const outputs = new Map(r.outputs);
  const [first, second] = [...outputs.keys()];
  const flipped = outputs.get(first)!.slice();
  flipped[flipped.length - 1] ^= 1; // the last byte of Pixel Data
  outputs.set(first, flipped);
  outputs.delete(second);
  outputs.set("out/extra.dcm", r.outputs.get(second)!);
  assert.deepEqual((await verify(outputs, text)).found, [
    `output-hash ${first}`,
    "extra-file out/extra.dcm",
    `output-missing ${second}`,
  ]);
});

Deno.test("verifyOutputs() holds outputs to the rules the header names", async () => {
  const signer = makeSigner();
  const rules = [parseRuleArgs(["(0020,000D)", "keep"], "-t #1")]; // Study Instance UID
  const r = await run({ rules }, signer);
  const honest = chainAndSign([
    r.header([{ tag: "(0020,000D)", action: "keep" }]),
    ...r.files,
    r.summary,
  ], signer);
  assert.deepEqual((await verify(r.outputs, honest)).found, []);
  // The same outputs under a header that claims no rule: the UID kept is an input UID.
  const lying = chainAndSign([r.header(), ...r.files, r.summary], signer);
  const found = (await verify(r.outputs, lying)).found;
  for (const name of FILES) {
    assert.ok(found.includes(`uid-unchanged out/${name} (0020,000D)`), found.join("\n"));
    assert.ok(found.includes(`identity out/${name} (0012,0062)`));
  }
});

Deno.test("verifyOutputs() skips the UID check without the run's key, and says so", async () => {
  const signer = makeSigner();
  const r = await run({}, signer);
  const text = chainAndSign([r.header(), ...r.files, r.summary], signer);
  const other = await verify(
    r.outputs,
    text,
    new TextEncoder().encode("another key of 32 bytes, really"),
  );
  assert.deepEqual(other.found, ["manifest-key m.jsonl", "manifest-key m.jsonl"]);
  assert.equal(other.result.uidsChecked, 0);
  const none = await verify(r.outputs, text, null);
  assert.deepEqual(none.found, []);
  assert.ok(none.result.notes.includes("UID check skipped: no --key-file"));
});

Deno.test("verifyOutputs() checks the recorded size on its own", async () => {
  const signer = makeSigner();
  const r = await run({}, signer);
  (r.files[0] as { outputBytes: number }).outputBytes += 1;
  const text = chainAndSign([r.header(), ...r.files, r.summary], signer);
  const { result } = await verify(r.outputs, text);
  assert.deepEqual(result.findings.listed.map((f) => [f.check, f.message]), [
    [
      "output-hash",
      `${r.outputs.get(`out/${FILES[0]}`)!.length} bytes, the manifest records ${
        r.outputs.get(`out/${FILES[0]}`)!.length + 1
      }`,
    ],
  ]);
});

Deno.test("verifyOutputs() refuses a DICOM output recorded as a copied non-DICOM file", async () => {
  const signer = makeSigner();
  const r = await run({}, signer);
  r.files[0] = { ...r.files[0], status: "copied" };
  const summary = { type: "summary", files: { ok: FILES.length - 1, copied: 1 } };
  const { found } = await verify(
    r.outputs,
    chainAndSign([r.header(), ...r.files, summary], signer),
  );
  assert.deepEqual(found, [`not-dicom out/${FILES[0]}`]);
});
