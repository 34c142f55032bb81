import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { corpusPath, readManifest } from "./manifest.ts";
import {
  dciodvfyErrors,
  dcmdumpCheck,
  type DicomTree,
  readTreesWithPydicom,
  readTreeWithPydicom,
  type TreeElement,
} from "./independent_reader.ts";
import { diffTrees } from "./tree_diff.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function* walk(elements: TreeElement[]): Generator<TreeElement> {
  for (const e of elements) {
    yield e;
    if ("items" in e) { for (const item of e.items) yield* walk(item); }
  }
}

function element(tree: DicomTree, tag: string): TreeElement {
  const found = tree.elements.find((e) => e.tag === tag);
  assert.ok(found, `no ${tag}`);
  return found;
}

function indexOf(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("readTreesWithPydicom() reads every corpus file that dcmdump reads ok", async () => {
  const rows = (await readManifest()).filter((row) => row.dcmdump === "ok");
  assert.ok(rows.length >= 30, `only ${rows.length} clean files`);
  const trees = await readTreesWithPydicom(rows.map((row) => corpusPath(row.file)));
  for (const row of rows) {
    const tree = trees.get(corpusPath(row.file));
    assert.ok(tree && !(tree instanceof Error), `${row.file}: ${tree}`);
    assert.ok(tree.elements.length >= 1, row.file);
    assert.equal(tree.transferSyntaxUid, row.transferSyntaxUid, row.file);
    for (const e of walk(tree.elements)) {
      assert.ok(!e.tag.endsWith("0000") && !e.tag.startsWith("FFFE"), `${row.file} ${e.tag}`);
    }
  }
});

Deno.test("readTreeWithPydicom() tree of a file equals itself and the batch tree", async () => {
  const path = corpusPath("pydicom__CT_small.dcm");
  const [once, again, batch] = await Promise.all([
    readTreeWithPydicom(path),
    readTreeWithPydicom(path),
    readTreesWithPydicom([path]).then((trees) => trees.get(path)),
  ]);
  assert.deepStrictEqual(once, again);
  assert.deepStrictEqual(once, batch);
  assert.deepStrictEqual(diffTrees(once, again), []);
});

Deno.test("readTreeWithPydicom() trees of CT_small and MR_small differ", async () => {
  const ct = await readTreeWithPydicom(corpusPath("pydicom__CT_small.dcm"));
  const mr = await readTreeWithPydicom(corpusPath("pydicom__MR_small_implicit.dcm"));
  assert.notDeepStrictEqual(ct, mr);
  const diffs = diffTrees(ct, mr);
  assert.ok(diffs.includes("(0002,0010)"), diffs.join("\n"));
  assert.ok(diffs.includes("00080060: hex"), diffs.join("\n")); // Modality CT vs MR
});

Deno.test("readTreeWithPydicom() ignores SQ/item length encoding and group lengths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = corpusPath("dcmjs__sample-sr.dcm");
    const rewritten = `${dir}/undefined_lengths.dcm`;
    // dcmconv -e: undefined-length SQs and items; +g: add group lengths everywhere.
    const conv = await new Deno.Command("dcmconv", { args: ["-e", "+g", source, rewritten] })
      .output();
    assert.equal(conv.code, 0);
    const [before, after] = [await Deno.readFile(source), await Deno.readFile(rewritten)];
    assert.notDeepStrictEqual(before, after);
    assert.ok(indexOf(after, [0xff, 0xff, 0xff, 0xff]) > 0, "no undefined length written");
    const [a, b] = await Promise.all([readTreeWithPydicom(source), readTreeWithPydicom(rewritten)]);
    assert.deepStrictEqual(diffTrees(a, b), []);
    assert.deepStrictEqual(a, b);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTreeWithPydicom() keeps values in the file's byte order", async () => {
  const big = await readTreeWithPydicom(corpusPath("pydicom__MR_small_bigendian.dcm"));
  const little = await readTreeWithPydicom(corpusPath("pydicom__MR_small_implicit.dcm"));
  // Rows (0028,0010) US 64
  assert.deepStrictEqual(element(big, "00280010"), {
    tag: "00280010",
    vr: "US",
    length: 2,
    hex: "0040",
  });
  assert.equal((element(little, "00280010") as { hex: string }).hex, "4000");
});

Deno.test("readTreeWithPydicom() hashes a long value's own bytes", async () => {
  const path = corpusPath("pydicom__CT_small.dcm");
  const bytes = await Deno.readFile(path);
  // (7FE0,0010) OW, reserved 0000, length 0x00008000: explicit VR little endian header
  const header = [0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, 0x00, 0x80, 0x00, 0x00];
  const start = indexOf(bytes, header) + header.length;
  assert.ok(start > header.length);
  const pixels = element(await readTreeWithPydicom(path), "7FE00010");
  assert.deepStrictEqual(pixels, {
    tag: "7FE00010",
    vr: "OW",
    length: 32768,
    sha256: sha256(bytes.subarray(start, start + 32768)),
  });
});

Deno.test("readTreeWithPydicom() lists the offset table and fragments of encapsulated data", async () => {
  const withBot = await readTreeWithPydicom(corpusPath("fodicom__multiframe.dcm"));
  const frames = Number(
    new TextDecoder().decode(
      Uint8Array.from(
        (element(withBot, "00280008") as { hex: string }).hex.match(/../g)!,
        (h) => parseInt(h, 16),
      ),
    ),
  );
  const fragments = (element(withBot, "7FE00010") as { fragments: string[] }).fragments;
  assert.equal(fragments.length, 1 + frames); // one fragment per frame in this file
  assert.notEqual(fragments[0], sha256(new Uint8Array()));
  const noBot = await readTreeWithPydicom(corpusPath("pydicom__JPEG-lossy.dcm"));
  const [bot, ...rest] = (element(noBot, "7FE00010") as { fragments: string[] }).fragments;
  assert.equal(bot, sha256(new Uint8Array()));
  assert.equal(rest.length, 1);
});

Deno.test("readTreeWithPydicom() rejects a missing file", async () => {
  await assert.rejects(readTreeWithPydicom(corpusPath("no_such_file.dcm")), /exited 1/);
});

Deno.test("dcmdumpCheck() is ok on CT_small and not on crayons.icc", async () => {
  assert.deepStrictEqual(await dcmdumpCheck(corpusPath("pydicom__CT_small.dcm")), {
    ok: true,
    errors: [],
    warnings: [],
  });
  const icc = await dcmdumpCheck(corpusPath("pydicom__crayons.icc"));
  assert.equal(icc.ok, false);
  assert.match(icc.errors[0], /^E: .*larger/);
});

Deno.test("dcmdumpCheck() agrees with the manifest's dcmdump column", async () => {
  const rows = await readManifest();
  const results = await Promise.all(rows.map((row) => dcmdumpCheck(corpusPath(row.file))));
  rows.forEach((row, i) => {
    const { ok, warnings } = results[i];
    assert.equal(ok, row.dcmdump !== "error", row.file);
    if (row.dcmdump !== "error") {
      assert.equal(warnings.length > 0, row.dcmdump === "warn", row.file);
    }
  });
});

Deno.test("dciodvfyErrors() counts agree with the manifest", async () => {
  const rows = (await readManifest()).filter((row) => row.dciodvfyErrors !== null);
  const results = await Promise.all(rows.map((row) => dciodvfyErrors(corpusPath(row.file))));
  rows.forEach((row, i) => assert.equal(results[i].length, row.dciodvfyErrors, row.file));
  assert.ok(results.some((errors) => errors.length > 0));
});
