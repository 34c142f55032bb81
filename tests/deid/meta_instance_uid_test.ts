import assert from "node:assert/strict";
import type { DeidConfig } from "../../core/deid/mod.ts";
import { parseRuleArgs } from "../../core/deid/mod.ts";
import { anonymizeBytes } from "../support/anonymize_tree.ts";
import { flatten } from "../support/flat_dataset.ts";

const CT_SMALL = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);
const original = flatten(CT_SMALL).get("00080018")!.text;

for (
  const [name, config, kept] of [
    ["the default profile", {}, false],
    ["ps315-basic", { profile: "ps315-basic" }, false],
    ["ps315-basic retain-uids", { profile: "ps315-basic", options: ["retain-uids"] }, true],
    ["minimal", { profile: "minimal" }, true],
    ["a user keep rule", { rules: [parseRuleArgs(["(0008,0018)", "keep"], "test")] }, true],
  ] as [string, Omit<DeidConfig, "key">, boolean][]
) {
  Deno.test(`DeidentifyStage() writes (0002,0003) equal to (0008,0018) under ${name}`, () => {
    const out = flatten(anonymizeBytes(CT_SMALL, config));
    const meta = out.get("00020003")!.text;
    const instance = out.get("00080018")!.text;
    assert.equal(meta, instance, "File Meta and dataset disagree (PS3.10 §7.1)");
    assert.equal(instance === original, kept);
  });
}
