import assert from "node:assert/strict";
import { outcomeOf, scrubReason } from "./manifest_run.ts";
import { parseAnonymizeArgs } from "./args.ts";

Deno.test("parseAnonymizeArgs() reads --manifest and --signing-key in both spellings", () => {
  const a = parseAnonymizeArgs(["in", "out", "--manifest", "m.jsonl", "--signing-key=k.pem"]);
  assert.equal(a.manifest, "m.jsonl");
  assert.equal(a.signingKey, "k.pem");
  assert.throws(() => parseAnonymizeArgs(["in", "out", "--manifest"]), /--manifest needs a value/);
});

Deno.test("scrubReason() removes paths and the input's relative path, keeps tags and offsets", () => {
  const rel = "DOE^JOHN/IM1.dcm";
  assert.equal(
    scrubReason("Permission denied (os error 13): open '/data/in/DOE^JOHN/IM1.dcm'", rel),
    "Permission denied (os error 13): open '<path>'",
  );
  assert.equal(
    scrubReason(`duplicate output name ${rel} in the ZIP`, rel),
    "duplicate output name <path> in the ZIP",
  );
  const codec = "Truncated value: 62 bytes missing at offset 0x259E in (7FE0,0010)";
  assert.equal(scrubReason(codec, "a/b.dcm"), codec);
  assert.equal(
    scrubReason("duplicate output name IM1 in the ZIP", "IM1"),
    "duplicate output name <path> in the ZIP",
  );
});

Deno.test("outcomeOf() keeps output and evidence for published files only", () => {
  const evidence = { outputSha256: "a", outputBytes: 1, inputHmac: "b", inputBytes: 2 };
  const base = { id: 1, rel: "x/y.dcm", bytes: 2 };
  assert.deepEqual(outcomeOf({ ...base, status: "ok", output: "x/y.dcm", evidence }), {
    status: "ok",
    output: "x/y.dcm",
    evidence,
  });
  assert.deepEqual(
    outcomeOf({ ...base, status: "failed", error: "bad at offset 0x10 in x/y.dcm" }),
    {
      status: "failed",
      reason: "bad at offset 0x10 in <path>",
    },
  );
  assert.deepEqual(outcomeOf({ ...base, status: "not-dicom" }), { status: "not-dicom" });
});
