import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { flatten } from "../../tests/support/flat_dataset.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { profileRows } from "./expectations.ts";
import { type FileCheckOptions, verifyFile } from "./file_verifier.ts";
import type { Finding } from "./findings.ts";
import { expectedClaim } from "./identity_check.ts";
import { phiPatterns } from "./phi_patterns.ts";
import { canonicalProfile } from "./profiles.ts";

const PROFILE = canonicalProfile("dicomfields_2023", []);

function options(phi: string[] = [], dicom = true): FileCheckOptions {
  return {
    dicom,
    phi: phiPatterns(phi),
    config: {
      rows: profileRows(PROFILE),
      privatePolicy: { keepPrivateTags: false, safePrivate: false, exempt: () => false },
      claim: expectedClaim(PROFILE, false, []),
    },
  };
}

/** Reads `bytes` in chunks of `size`, as a file would stream. */
async function run(bytes: Uint8Array, opts: FileCheckOptions, size = 1000) {
  const findings: Finding[] = [];
  const chunks = async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  };
  const outcome = await verifyFile("f.dcm", chunks(), opts, (f) => findings.push(f));
  return { outcome, findings };
}

Deno.test("verifyFile() hashes and sizes the bytes as read, at any chunk size", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const sha = createHash("sha256").update(bytes).digest("hex");
  for (const size of [1, 7, 4096]) {
    const { outcome } = await run(bytes, options(), size);
    assert.equal(outcome.sha256, sha);
    assert.equal(outcome.bytes, bytes.length);
    assert.equal(outcome.dicom, "ok");
  }
});

Deno.test("verifyFile() searches the inflated values of a deflated dataset", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__image_dfl.dcm"));
  // The patient's name is in the file only deflated: a raw search cannot see it.
  const name = flatten(bytes).get("00100010")!.text;
  assert.ok(name.length >= 4 && !new TextDecoder("latin1").decode(bytes).includes(name));
  const { findings } = await run(bytes, options([name]));
  const phi = findings.filter((f) => f.check === "phi-string");
  assert.equal(phi.length, 1);
  assert.match(phi[0].message, /deflated dataset/);
  assert.ok(!JSON.stringify(findings).includes(name), "no finding carries the value");
});

Deno.test("verifyFile() reports where a broken file stops being readable", async () => {
  const { outcome, findings } = await run(
    await Deno.readFile(corpusPath("pydicom__MR_truncated.dcm")),
    options(),
  );
  assert.equal(outcome.dicom, "unreadable");
  const unreadable = findings.filter((f) => f.check === "unreadable");
  assert.equal(unreadable.length, 1);
  assert.equal(unreadable[0].offset, 0x259e);
});

Deno.test("verifyFile() leaves the verdict on a non-DICOM file to the caller", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__crayons.icc"));
  const parsed = await run(bytes, options());
  assert.equal(parsed.outcome.dicom, "not-dicom");
  assert.deepEqual(parsed.findings, []);
  const copied = await run(bytes, options([], false));
  assert.equal(copied.outcome.dicom, "not-parsed");
});
