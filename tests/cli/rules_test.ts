import assert from "node:assert/strict";
import { join } from "node:path";
import { tag } from "../../core/dicom/tag.ts";
import { findElement } from "../support/find_element.ts";
import { makeStudy, plantedValues, runCli, withTempDir } from "./cli_helpers.ts";

const PATIENT_ID = tag(0x0010, 0x0020);
const PATIENT_NAME = tag(0x0010, 0x0010);
const STUDY_DATE = tag(0x0008, 0x0020);
const FILE = "p0001_st01_se01_im0001.dcm";

/** The text of a top-level element of an output file, trailing padding removed. */
async function valueOf(path: string, t: number): Promise<string | undefined> {
  const bytes = findElement(await Deno.readFile(path), t);
  return bytes && new TextDecoder("latin1").decode(bytes).replace(/[\0 ]+$/, "");
}

Deno.test("anonymize -t applies keep, regexp and replace_with_value as the reference does", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "study"), ["--images", "1"]);
    const planted = await plantedValues(study, FILE);
    const out = join(dir, "out");
    const run = await runCli([
      "anonymize",
      study,
      out,
      "-q",
      "-t",
      "(0x0010, 0x0020)",
      "keep",
      "-t",
      "(0x0008, 0x0020)",
      "regexp",
      "\\d{4}$",
      "0000",
      "-t",
      "(0x0010, 0x0010)",
      "replace_with_value",
      "new_value",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const output = join(out, FILE);
    assert.equal(await valueOf(output, PATIENT_ID), planted.get("PatientID"));
    assert.equal(await valueOf(output, STUDY_DATE), planted.get("StudyDate")!.slice(0, 4) + "0000");
    assert.equal(await valueOf(output, PATIENT_NAME), "new_value");
  });
});

Deno.test("anonymize --dictionary applies a rules file; the default deletes PatientID", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "study"), ["--images", "1"]);
    const planted = await plantedValues(study, FILE);
    const rules = join(dir, "dictionary.json");
    await Deno.writeTextFile(
      rules,
      JSON.stringify({
        "(0x0010, 0x0020)": "keep",
        "(0x0008, 0x0020)": { action: "regexp", find: "^(\\d{4})\\d{4}$", replace: "\\g<1>0101" },
      }),
    );
    const [withRules, plain] = await Promise.all([
      runCli(["anonymize", study, join(dir, "a"), "-q", "--dictionary", rules]),
      runCli(["anonymize", study, join(dir, "b"), "-q"]),
    ]);
    assert.equal(withRules.code, 0, withRules.stderr);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(await valueOf(join(dir, "a", FILE), PATIENT_ID), planted.get("PatientID"));
    const date = planted.get("StudyDate")!;
    assert.equal(await valueOf(join(dir, "a", FILE), STUDY_DATE), `${date.slice(0, 4)}0101`);
    assert.notEqual(await valueOf(join(dir, "b", FILE), PATIENT_ID), planted.get("PatientID"));
  });
});
