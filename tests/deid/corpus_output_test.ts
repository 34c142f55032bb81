// Proofs 3 and 4: default output of every readable corpus file is valid DICOM with its Pixel
// Data untouched, and it does not depend on chunking or on the process.
import assert from "node:assert/strict";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";
import {
  dciodvfyErrors,
  dcmdumpCheck,
  readTreesWithPydicom,
} from "../support/independent_reader.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { anonymizeBytes, TEST_KEY } from "../support/anonymize_tree.ts";
import { chunked } from "../support/run_codec.ts";

const rows = (await readManifest()).filter((r) =>
  r.dcmdump !== "error" && !r.categories.includes("dicomdir")
);

/**
 * New dciodvfy errors that the profile itself causes or that the input hid, per file. Each
 * is a consequence of the standard's own profile, not of the encoder.
 */
const EXPECTED_NEW_ERRORS: Record<string, RegExp[]> = {
  // X/Z empties ReferencedStudySequence, which this IOD allows only with 1-n items; and the
  // blank-VR PixelPaddingValue, unreadable before, is now read (as US) and judged.
  "fodicom__GH179A.dcm": [/ReferencedStudySequence/, /PixelPaddingValue/],
  // Group 0001 garbage made dciodvfy stop early on the input; removed, it reads on.
  "pydicom__meta_missing_tsyntax.dcm": [/PixelData has incorrect value length/],
  "pydicom__nested_priv_SQ.dcm": [/PixelData has incorrect value length/],
  // The profile removes the evidence sequences (X) but maps the references to them (U).
  "pydicom__test-SR.dcm": [/not listed in CurrentRequestedProcedureEvidenceSequence/],
  // The profile removes Overlay Data (60xx,3000), X: it may hold burned-in text.
  "pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm": [
    /Missing attribute Type 1 Required Element=<OverlayData>/,
  ],
};

const normalize = (e: string) => e.replace(/<[^>]*>/g, "<>").replace(/2\.25\.\d+|[\d.]{8,}/g, "#");

Deno.test("anonymize() default output of every readable corpus file passes dcmdump and dciodvfy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-valid-" });
  try {
    const failures: string[] = [];
    for (const row of rows) {
      const out = `${dir}/${row.file}`;
      await Deno.writeFile(out, anonymizeBytes(await Deno.readFile(corpusPath(row.file)), {}));
      const dump = await dcmdumpCheck(out);
      if (!dump.ok) failures.push(`${row.file}: dcmdump ${dump.errors[0]}`);
      const before = new Set((await dciodvfyErrors(corpusPath(row.file))).map(normalize));
      const allowed = EXPECTED_NEW_ERRORS[row.file] ?? [];
      for (const error of await dciodvfyErrors(out)) {
        if (before.has(normalize(error)) || allowed.some((re) => re.test(error))) continue;
        failures.push(`${row.file}: ${error.slice(0, 120)}`);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anonymize() leaves Pixel Data bytes unchanged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-pixels-" });
  try {
    const pairs: [string, string][] = [];
    for (const row of rows) {
      const out = `${dir}/${row.file}`;
      await Deno.writeFile(out, anonymizeBytes(await Deno.readFile(corpusPath(row.file)), {}));
      pairs.push([corpusPath(row.file), out]);
    }
    const trees = await readTreesWithPydicom(pairs.flat());
    let compared = 0;
    for (const [input, output] of pairs) {
      const a = trees.get(input), b = trees.get(output);
      if (a instanceof Error || b instanceof Error || !a || !b) continue;
      const pixels = (t: typeof a) => JSON.stringify(t.elements.find((e) => e.tag === "7FE00010"));
      assert.equal(pixels(b), pixels(a), output);
      if (a.elements.some((e) => e.tag === "7FE00010")) compared++;
    }
    assert.ok(compared > 30, `compared ${compared} files with Pixel Data`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anonymize() output is chunk-invariant for every readable corpus file", async () => {
  const deid = createDeidentifier({ key: TEST_KEY });
  for (const row of rows) {
    const bytes = await Deno.readFile(corpusPath(row.file));
    const whole = anonymizeBytes(bytes, {});
    for (const size of [1, 2, 3, 7, 8, 4096]) {
      const job = deid.start();
      const out: Uint8Array[] = [];
      for (const c of chunked(bytes, size)) out.push(...job.pipeline.push(c));
      out.push(...job.pipeline.finish());
      assert.deepEqual(concat(out), whole, `${row.file} at chunk size ${size}`);
    }
  }
});

Deno.test("anonymize() gives byte-identical output in another process with the same key", async () => {
  const file = corpusPath("pydicom__CT_small.dcm");
  const here = anonymizeBytes(await Deno.readFile(file), {});
  const target = await Deno.makeTempFile({ prefix: "deid-proc-" });
  const script = `
    import { anonymizeBytes } from "${
    new URL("../support/anonymize_tree.ts", import.meta.url).href
  }";
    const out = anonymizeBytes(await Deno.readFile(${JSON.stringify(file)}), {});
    await Deno.writeFile(${JSON.stringify(target)}, out);`;
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
  }).output();
  assert.equal(code, 0);
  assert.deepEqual(await Deno.readFile(target), here);
  await Deno.remove(target);
});
