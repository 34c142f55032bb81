// Bypass (Pixel Data copied outside the pipeline, as the CLI's kernel copy does) must give the
// output of pushing every byte, and must not happen where a stage reads or changes the bytes.
import assert from "node:assert/strict";
import { DicomPipeline } from "../../core/dicom/mod.ts";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { TEST_KEY } from "../support/anonymize_tree.ts";
import { runWithBypass } from "../support/run_bypass.ts";

const manifest = await readManifest();
const deid = createDeidentifier({ key: TEST_KEY });
const SIZES = [7, 4096];

function outcome(f: () => Uint8Array): Uint8Array | string {
  try {
    return f();
  } catch (e) {
    return String(e);
  }
}

/** The plain result: every byte pushed in one go. */
function pushed(pipeline: DicomPipeline, bytes: Uint8Array): Uint8Array {
  const out = [...pipeline.push(bytes.slice()), ...pipeline.finish()];
  const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) all.set(c, (at += c.length) - c.length);
  return all;
}

Deno.test("DicomPipeline.bypass() gives the pushed output for every corpus file, codec and engine", async () => {
  let total = 0;
  for (const row of manifest) {
    const bytes = await Deno.readFile(corpusPath(row.file));
    for (
      const [label, make] of [
        ["codec", () => new DicomPipeline()],
        ["engine", () => deid.start().pipeline],
      ] as const
    ) {
      const whole = outcome(() => pushed(make(), bytes));
      for (const size of SIZES) {
        let bypassed = 0;
        const got = outcome(() => {
          const run = runWithBypass(make(), bytes, size);
          bypassed = run.bypassed;
          return run.output;
        });
        assert.deepEqual(got, whole, `${row.file}: ${label} at ${size}`);
        total += bypassed;
      }
    }
  }
  assert.ok(total > 1_000_000, `only ${total} bytes bypassed over the corpus`);
});

Deno.test("DicomPipeline.bypass() keeps the truncation error of a file cut inside Pixel Data", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const cut = bytes.subarray(0, bytes.length - 1001);
  for (const make of [() => new DicomPipeline(), () => deid.start().pipeline]) {
    const whole = outcome(() => pushed(make(), cut));
    assert.match(String(whole), /Truncated value/);
    for (const size of SIZES) {
      assert.equal(outcome(() => runWithBypass(make(), cut, size).output), whole);
    }
  }
});

Deno.test("DicomPipeline.bypassable() is 0 where bytes are read, changed or deflated", async () => {
  const ct = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const deflated = await Deno.readFile(corpusPath("pydicom__image_dfl.dcm"));
  const rules = createDeidentifier({
    key: TEST_KEY,
    pixelRules: [{ match: {}, rectangles: [[0, 0, 4, 4]] }],
  });
  const cases: [string, () => DicomPipeline, Uint8Array][] = [
    ["Clean Pixel Data rules", () => rules.start().pipeline, ct],
    ["audit trail", () => deid.start({ audit: true }).pipeline, ct],
    ["deflated input", () => new DicomPipeline(), deflated],
  ];
  for (const [label, make, bytes] of cases) {
    const run = runWithBypass(make(), bytes, 64);
    assert.equal(run.bypassed, 0, label);
    assert.deepEqual(run.output, pushed(make(), bytes), label);
  }
  // The control: the same file does bypass through the plain engine.
  assert.ok(runWithBypass(deid.start().pipeline, ct, 64).bypassed > 30_000);
});

Deno.test("DicomPipeline.bypass() refuses more bytes than bypassable()", async () => {
  const ct = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const pipeline = new DicomPipeline();
  assert.equal(pipeline.bypassable(), 0);
  assert.throws(() => pipeline.bypass(1), RangeError);
  pipeline.push(ct.slice(0, ct.length - 100));
  const n = pipeline.bypassable();
  assert.equal(n, 99, "all of the value but its last byte");
  assert.throws(() => pipeline.bypass(n + 1), RangeError);
});
