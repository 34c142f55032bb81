import assert from "node:assert/strict";
import { join } from "node:path";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { dcmdumpCheck, readTreesWithPydicom } from "../../tests/support/independent_reader.ts";
import { readPart10Header } from "./part10_header.ts";
import { CORPUS, run, startTestScp } from "./_test_harness.ts";

/** storescu profile proposing each file's own transfer syntax (DCMTK config file format). */
const STORESCU_CFG = `
[[TransferSyntaxes]]
[ExplicitLE]
TransferSyntax1 = 1.2.840.10008.1.2.1
[ImplicitLE]
TransferSyntax1 = 1.2.840.10008.1.2
[ExplicitBE]
TransferSyntax1 = 1.2.840.10008.1.2.2
[Deflated]
TransferSyntax1 = 1.2.840.10008.1.2.1.99
[JPEGExtended]
TransferSyntax1 = 1.2.840.10008.1.2.4.51
[RLE]
TransferSyntax1 = 1.2.840.10008.1.2.5
[J2K]
TransferSyntax1 = 1.2.840.10008.1.2.4.91
[JPEGLS]
TransferSyntax1 = 1.2.840.10008.1.2.4.80
[[PresentationContexts]]
[Corpus]
PresentationContext1 = 1.2.840.10008.5.1.4.1.1.2\\ExplicitLE
PresentationContext2 = 1.2.840.10008.5.1.4.1.1.4\\ImplicitLE
PresentationContext3 = 1.2.840.10008.5.1.4.1.1.4\\ExplicitBE
PresentationContext4 = 1.2.840.10008.5.1.4.1.1.7\\Deflated
PresentationContext5 = 1.2.840.10008.5.1.4.1.1.7\\JPEGExtended
PresentationContext6 = 1.2.840.10008.5.1.4.1.1.4.1\\RLE
PresentationContext7 = 1.2.840.10008.5.1.4.1.1.6.1\\J2K
PresentationContext8 = 1.2.840.10008.5.1.4.1.1.2\\JPEGLS
[[Profiles]]
[Corpus]
PresentationContexts = Corpus
`;

/** One corpus file per transfer syntax the profile above proposes. */
const SENT = [
  "pydicom__CT_small.dcm", // Explicit VR LE
  "pydicom__MR_small_implicit.dcm", // Implicit VR LE
  "pydicom__MR_small_bigendian.dcm", // Explicit VR BE
  "pydicom__image_dfl.dcm", // Deflated
  "pydicom__JPEG-lossy.dcm", // JPEG Extended
  "pydicomdata__emri_small_RLE.dcm", // RLE
  "pydicomdata__US1_J2KI.dcm", // JPEG 2000
  "dicomparser__CT1_UNC.fragmented_bot_jpeg_ls.80.dcm", // JPEG-LS
];

Deno.test("startScp() answers echoscu's C-ECHO and creates no batch", async () => {
  const t = await startTestScp();
  try {
    const r = await run("echoscu", ["-aec", "DEID", "127.0.0.1", String(t.port)]);
    assert.equal(r.code, 0, r.stderr);
    await t.scp.idle();
    assert.equal((await t.batches.store.live()).length, 0);
    assert.ok(t.logs.some((l) => /"dimse end","calling":"ECHOSCU","outcome":"released"/.test(l)));
  } finally {
    await t.dispose();
  }
});

Deno.test("startScp() anonymizes storescu's files in 8 transfer syntaxes into one batch", async () => {
  const t = await startTestScp();
  const tmp = await Deno.makeTempDir({ prefix: "dimse-expected-" });
  try {
    const cfg = join(tmp, "storescu.cfg");
    await Deno.writeTextFile(cfg, STORESCU_CFG);
    const files = SENT.map((f) => join(CORPUS, f));
    const r = await run("storescu", [
      "-xf",
      cfg,
      "Corpus",
      "-aec",
      "DEID",
      "127.0.0.1",
      String(t.port),
      ...files,
    ]);
    assert.equal(r.code, 0, r.stderr);
    await t.scp.idle();
    const [batch, ...others] = await t.batches.store.live();
    assert.equal(others.length, 0, "one batch per association");
    const recs = await t.batches.store.files(batch.id);
    assert.deepEqual(
      recs.map((f) => [f.path, f.status]),
      SENT.map((_, i) => [`0000${i + 1}.dcm`, "done"]),
    );
    const outputs: string[] = [];
    const expected: string[] = [];
    for (const [i, rec] of recs.entries()) {
      const out = t.batches.disk.filePath(batch.id, rec.path);
      using o = await Deno.open(out);
      using s = await Deno.open(files[i]);
      // Stored in the syntax it was sent in; no transcoding on the way.
      assert.equal(
        (await readPart10Header(o)).transferSyntax,
        (await readPart10Header(s)).transferSyntax,
      );
      const dump = await dcmdumpCheck(out);
      assert.ok(dump.ok, `${rec.path}: ${dump.errors.join("; ")}`);
      // The same engine and key over the original file must give the same element tree.
      const local = join(tmp, rec.path);
      await Deno.writeFile(local, anonymizeBytes(await Deno.readFile(files[i]), {}));
      outputs.push(out);
      expected.push(local);
    }
    const trees = await readTreesWithPydicom([...outputs, ...expected]);
    for (const [i, out] of outputs.entries()) {
      assert.ok(!(trees.get(out) instanceof Error), SENT[i]);
      assert.deepEqual(trees.get(out), trees.get(expected[i]), SENT[i]);
    }
  } finally {
    await t.dispose();
    await Deno.remove(tmp, { recursive: true });
  }
});
