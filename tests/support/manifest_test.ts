import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { isAbsolute } from "node:path";
import { corpusPath, readManifest } from "./manifest.ts";

Deno.test("readManifest() lists every fixture with its size and sha256 prefix", async () => {
  const rows = await readManifest();
  assert.equal(rows.length, 51);
  const names = new Set<string>();
  for await (const entry of Deno.readDir(corpusPath("."))) names.add(entry.name);
  assert.deepStrictEqual(
    [...names].sort(),
    [...rows.map((row) => row.file), "README.md", "manifest.tsv"].sort(),
  );
  for (const row of rows) {
    const bytes = await Deno.readFile(corpusPath(row.file));
    assert.equal(bytes.length, row.sizeBytes, row.file);
    const digest = createHash("sha256").update(bytes).digest("hex");
    assert.equal(digest.slice(0, 16), row.sha256Prefix, row.file);
  }
});

Deno.test("readManifest() types the status and count columns", async () => {
  const rows = new Map((await readManifest()).map((row) => [row.file, row]));
  const ct = rows.get("pydicom__CT_small.dcm");
  assert.deepStrictEqual(
    [ct?.transferSyntaxUid, ct?.dcmdump, ct?.dcmdumpMessage, ct?.pydicom, ct?.dciodvfyErrors],
    ["1.2.840.10008.1.2.1", "ok", null, "ok", 0],
  );
  assert.ok(ct?.categories.includes("ct"));
  assert.equal(ct?.sourceRepo, "pydicom/pydicom");
  const icc = rows.get("pydicom__crayons.icc");
  assert.deepStrictEqual(
    [icc?.transferSyntaxUid, icc?.dcmdump, icc?.pydicom, icc?.dciodvfyErrors],
    [null, "error", "force-only", null],
  );
  assert.match(icc?.dcmdumpMessage ?? "", /^E: /);
  assert.equal(rows.get("fodicom__GH179A.dcm")?.dcmdump, "warn");
  assert.equal(rows.get("pydicom__badVR.dcm")?.pydicom, "attr-error");
});

Deno.test("corpusPath() gives the absolute path of a fixture", () => {
  const path = corpusPath("pydicom__CT_small.dcm");
  assert.ok(isAbsolute(path));
  assert.ok(path.endsWith("/tests/fixtures/corpus/pydicom__CT_small.dcm"));
  assert.ok(Deno.statSync(path).isFile);
});
