// Round trip of the whole corpus, judged by readers that share no code with ours.
import assert from "node:assert/strict";
import { dcmdumpElements, sameDump } from "../support/dcmdump_dump.ts";
import { dcmdumpCheck, readTreesWithPydicom } from "../support/independent_reader.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { roundTrip } from "../support/run_codec.ts";
import { diffTrees } from "../support/tree_diff.ts";

const manifest = await readManifest();
// Every file DCMTK reads without an error; the truncated J2K file is covered by bad_input_test.
const readable = manifest.filter((row) => row.dcmdump !== "error");
/** Files pydicom 2.3 misreads, so DCMTK is the independent reader for them. */
const PYDICOM_MISREADS: Record<string, string> = {
  "fodicom__GH179A.dcm":
    "pydicom reads the blank VR of (0028,0120) with a 32-bit length and swallows the rest; " +
    "DCMTK, like us, reads a 16-bit length",
};

Deno.test("DicomPipeline() round trip keeps every element pydicom sees, for each readable corpus file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-rt-" });
  try {
    const outputs = new Map<string, string>();
    for (const row of readable) {
      const out = `${dir}/${row.file}`;
      await Deno.writeFile(out, roundTrip(await Deno.readFile(corpusPath(row.file)), 0));
      outputs.set(row.file, out);
    }
    const inputs = await readTreesWithPydicom(readable.map((r) => corpusPath(r.file)));
    const results = await readTreesWithPydicom([...outputs.values()]);
    const failures: string[] = [];
    for (const row of readable) {
      if (PYDICOM_MISREADS[row.file]) {
        const same = sameDump(
          await dcmdumpElements(corpusPath(row.file)),
          await dcmdumpElements(outputs.get(row.file)!),
        );
        if (!same) failures.push(`${row.file}: dcmdump trees differ`);
        continue;
      }
      const before = inputs.get(corpusPath(row.file))!;
      const after = results.get(outputs.get(row.file)!)!;
      if (before instanceof Error || after instanceof Error) {
        failures.push(`${row.file}: ${before instanceof Error ? "input" : "output"} unreadable`);
        continue;
      }
      // Inputs without File Meta are written with one naming the syntax we detected.
      const expectedTs = before.transferSyntaxUid ?? after.transferSyntaxUid;
      const diffs = diffTrees({ ...before, transferSyntaxUid: expectedTs }, after);
      if (diffs.length > 0) failures.push(`${row.file}: ${diffs.slice(0, 5).join(", ")}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(outputs.size, readable.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DicomPipeline() round trip output is read by dcmdump without error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-rt-" });
  try {
    const failures: string[] = [];
    for (const row of readable) {
      const out = `${dir}/${row.file}`;
      await Deno.writeFile(out, roundTrip(await Deno.readFile(corpusPath(row.file)), 0));
      const result = await dcmdumpCheck(out);
      if (!result.ok) failures.push(`${row.file}: ${result.errors[0]}`);
    }
    assert.deepEqual(failures, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
