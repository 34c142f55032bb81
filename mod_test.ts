import assert from "node:assert/strict";
import { allTags, anonymize, anonymizeFile, customRule, DicomParseError, keepRule } from "./mod.ts";
import { flatten } from "./tests/support/flat_dataset.ts";
import { corpusPath } from "./tests/support/manifest.ts";
import { TEST_KEY } from "./tests/support/anonymize_tree.ts";

Deno.test("anonymizeFile() runs the reference's keep-all-but-birth-year example", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rules = [
      ...allTags("dicomfields_2023").map(keepRule),
      customRule("PatientBirthDate", ({ value }) => `${value.slice(0, 4)}0101`),
    ];
    const input = corpusPath("pydicom__CT_small.dcm");
    const report = await anonymizeFile(input, `${dir}/out.dcm`, {
      rules,
      keepPrivateTags: true,
      key: TEST_KEY,
    });
    const before = flatten(await Deno.readFile(input));
    const after = flatten(await Deno.readFile(`${dir}/out.dcm`));
    assert.equal(after.get("00100010")?.text, before.get("00100010")?.text);
    assert.equal(after.get("00100030")?.text, `${before.get("00100030")!.text.slice(0, 4)}0101`);
    assert.equal(after.get("00120062")?.text, "NO");
    assert.ok(report.actions.custom >= 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anonymizeFile() leaves no output when the input is broken", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      anonymizeFile(corpusPath("pydicom__MR_truncated.dcm"), `${dir}/out.dcm`, { key: TEST_KEY }),
      DicomParseError,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anonymize() de-identifies a ReadableStream", async () => {
  const file = await Deno.open(corpusPath("pydicom__MR_small_implicit.dcm"));
  const out = new Uint8Array(
    await new Response(anonymize(file.readable, { key: TEST_KEY })).arrayBuffer(),
  );
  assert.equal(flatten(out).get("00100010")?.text, "");
  assert.equal(flatten(out).get("00120062")?.text, "YES");
});

Deno.test("customRule() may answer with an action name", async () => {
  const rules = [customRule("Modality", () => "delete")];
  const file = await Deno.open(corpusPath("pydicom__CT_small.dcm"));
  const out = new Uint8Array(
    await new Response(anonymize(file.readable, { rules, key: TEST_KEY })).arrayBuffer(),
  );
  assert.equal(flatten(out).has("00080060"), false); // kept by the profile, deleted by the rule
});
