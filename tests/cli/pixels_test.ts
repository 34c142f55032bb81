// The burned-in guard and Clean Pixel Data through the real command, on real corpus files,
// checked by independent readers (pydicom + numpy for pixels, DCMTK for Big Endian words).
import assert from "node:assert/strict";
import { join } from "node:path";
import { CORPUS, listTree, ROOT, runCli, withTempDir } from "./cli_helpers.ts";
import { flatten } from "../support/flat_dataset.ts";
import { buildImage, expectedPixels, pattern } from "../support/pixel_image.ts";

const PIXEL_CHECK = join(ROOT, "tests/support/pixel_check.py");

/** Per-file rectangles, matched by Modality/Rows/Columns of each corpus file. */
const CASES = [
  // file, its match, rectangles (one partly outside the image)
  ["pydicom__CT_small.dcm", { Modality: "CT", Rows: 128, Columns: 128 }, [[0, 0, 128, 10], [
    100,
    100,
    60,
    60,
  ]]],
  ["pydicom__MR_small_bigendian.dcm", { Modality: "MR", Rows: 64, Columns: 64 }, [[5, 7, 20, 9]]],
  ["pydicomdata__emri_small.dcm", { Modality: "MR", Rows: 64, Columns: 64 }, [[5, 7, 20, 9]]],
  ["pydicom__SC_rgb_small_odd.dcm", { Modality: "OT", Rows: 3, Columns: 3 }, [[1, 1, 5, 1]]],
  ["dcmjs__tumor_User1_Manual_Trial1.dcm", { Modality: "SEG" }, [[51, 50, 7, 9], [60, 57, 80, 3]]],
  ["pydicom__chrH32.dcm", { Modality: "OT", Rows: 32, Columns: 32 }, [[0, 30, 32, 9]]],
] as const;

async function pixelCheck(original: string, cleaned: string, rects: unknown) {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [PIXEL_CHECK, original, cleaned, JSON.stringify(rects)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `pixel_check.py failed: ${err.slice(-500)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("anonymize --clean-pixels blanks the rectangles of real images, read by pydicom", async () => {
  await withTempDir(async (dir) => {
    const rules = CASES.map(([, match, rectangles]) => ({ match, rectangles }));
    await Deno.writeTextFile(join(dir, "rules.json"), JSON.stringify(rules));
    for (const [i, [file]] of CASES.entries()) {
      // One file per run, so that each file meets only its own rule (rules match first-wins).
      const out = join(dir, `out${i}.dcm`);
      const only = JSON.stringify([rules[i]]);
      await Deno.writeTextFile(join(dir, `rule${i}.json`), only);
      const run = await runCli([
        "anonymize",
        join(CORPUS, file),
        out,
        "--clean-pixels",
        join(dir, `rule${i}.json`),
        "--quiet",
      ]);
      assert.equal(run.code, 0, `${file}: ${run.stderr}`);
      const r = await pixelCheck(join(CORPUS, file), out, CASES[i][2]);
      assert.deepEqual(r.cleanedShape, r.shape, `${file}: same shape`);
      assert.ok(r.insideBefore > 0, `${file}: the rectangles held non-zero pixels before`);
      assert.equal(r.insideNonzero, 0, `${file}: every sample inside is 0 (${JSON.stringify(r)})`);
      assert.equal(r.outsideChanged, 0, `${file}: every sample outside unchanged`);
      const flat = flatten(await Deno.readFile(out));
      const codes = [...flat].filter(([k]) => k.endsWith(".00080100")).map(([, e]) => e.text);
      assert.ok(codes.includes("113101"), `${file}: Clean Pixel Data Option in (0012,0064)`);
    }
  });
});

Deno.test("anonymize --clean-pixels agrees with DCMTK on Big Endian OW words of 8-bit pixels", async () => {
  await withTempDir(async (dir) => {
    const spec = {
      rows: 5,
      columns: 7,
      frames: 2,
      bitsAllocated: 8 as const,
      syntax: "explicit-be" as const,
      pixelVr: "OW" as const,
    };
    const pixels = pattern(70);
    const rects = [[2, 1, 3, 2], [6, 0, 1, 5]] as const;
    await Deno.writeFile(join(dir, "be.dcm"), buildImage(spec, pixels));
    await Deno.writeTextFile(
      join(dir, "rules.json"),
      JSON.stringify([{ match: { Rows: 5 }, rectangles: rects }]),
    );
    const run = await runCli([
      "anonymize",
      join(dir, "be.dcm"),
      join(dir, "out.dcm"),
      "--clean-pixels",
      join(dir, "rules.json"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    // dcmconv reads OW as 16-bit words in the file's byte order and writes them little endian:
    // logical pixel i then sits at byte i, as in a little-endian 8-bit image.
    const conv = await new Deno.Command("dcmconv", {
      args: ["+te", join(dir, "out.dcm"), join(dir, "le.dcm")],
    }).output();
    assert.equal(conv.code, 0, new TextDecoder().decode(conv.stderr));
    const le = flatten(await Deno.readFile(join(dir, "le.dcm"))).get("7FE00010")!.bytes!;
    const swapped = pixels.map((_, i) => pixels[i ^ 1]);
    const want = expectedPixels({ ...spec, syntax: "explicit-le", pixelVr: "OB" }, swapped, rects);
    assert.deepEqual(le.subarray(0, 70), want);
  });
});

Deno.test("anonymize holds back a real file whose (0028,0301) is YES; --allow-burned-in passes it", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await Deno.mkdir(input);
    await Deno.copyFile(join(CORPUS, "pydicom__CT_small.dcm"), join(input, "yes.dcm"));
    await Deno.copyFile(join(CORPUS, "pydicom__MR_small_implicit.dcm"), join(input, "plain.dcm"));
    const mod = await new Deno.Command("dcmodify", {
      args: ["-nb", "-i", "(0028,0301)=YES", join(input, "yes.dcm")],
    }).output();
    assert.equal(mod.code, 0, new TextDecoder().decode(mod.stderr));

    const held = await runCli([
      "anonymize",
      input,
      join(dir, "out"),
      "--report",
      join(dir, "r.json"),
    ]);
    assert.equal(held.code, 0, "held-back files are not failures");
    assert.deepEqual(await listTree(join(dir, "out")), ["plain.dcm"], "no output, no partial");
    assert.match(held.stderr, /held back: yes\.dcm: Held back: burned-in annotation/);
    assert.match(held.stderr, /1 held back;/);
    const report = JSON.parse(await Deno.readTextFile(join(dir, "r.json")));
    const yes = report.files.find((f: { path: string }) => f.path === "yes.dcm");
    assert.equal(yes.status, "held-back");
    assert.match(yes.error, /\(0028,0301\) is YES/);
    assert.equal(report.totals.heldBack, 1);

    const allowed = await runCli([
      "anonymize",
      input,
      join(dir, "out2"),
      "--allow-burned-in",
      "--json",
      "--quiet",
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(await listTree(join(dir, "out2")), ["plain.dcm", "yes.dcm"]);
    assert.deepEqual(JSON.parse(allowed.stdout).heldBack, []);
    const flat = flatten(await Deno.readFile(join(dir, "out2/yes.dcm")));
    assert.equal(flat.get("00120062")!.text, "NO", "no identity-removed claim");
    assert.equal(flat.get("00280301")!.text, "YES");
    assert.equal(
      flatten(await Deno.readFile(join(dir, "out2/plain.dcm"))).get("00120062")!.text,
      "YES",
    );
  });
});

Deno.test("anonymize flags a real ultrasound file and writes it", async () => {
  await withTempDir(async (dir) => {
    const run = await runCli([
      "anonymize",
      join(CORPUS, "pydicomdata__US1_J2KI.dcm"),
      join(dir, "us.dcm"),
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok((await Deno.stat(join(dir, "us.dcm"))).isFile);
    assert.deepEqual(JSON.parse(run.stdout).flagged, ["pydicomdata__US1_J2KI.dcm"]);
    assert.match(run.stderr, /may carry burned-in text/);
  });
});

Deno.test("anonymize --clean-pixels holds back a compressed file its rule covers", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "rules.json"),
      JSON.stringify([{ match: { Modality: "US" }, rectangles: [[0, 0, 640, 40]] }]),
    );
    const run = await runCli([
      "anonymize",
      join(CORPUS, "pydicomdata__US1_J2KI.dcm"),
      join(dir, "out"),
      "--clean-pixels",
      join(dir, "rules.json"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /compressed pixel data cannot be cleaned/);
    assert.deepEqual(await listTree(dir), ["rules.json"]);
  });
});

Deno.test("anonymize --clean-pixels refuses a bad rules file with exit 2 before any file", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "bad.json"), '[{"rectangles": [[0, 0, 0, 5]]}]');
    const bad = await runCli([
      "anonymize",
      join(CORPUS, "pydicom__CT_small.dcm"),
      join(dir, "out.dcm"),
      "--clean-pixels",
      join(dir, "bad.json"),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: rule 1: rectangle 1 must be/);
    const missing = await runCli([
      "anonymize",
      join(CORPUS, "pydicom__CT_small.dcm"),
      join(dir, "out.dcm"),
      "--clean-pixels",
      join(dir, "none.json"),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read --clean-pixels/);
    assert.deepEqual(await listTree(dir), ["bad.json"]);
  });
});
