import assert from "node:assert/strict";
import { META_REMOVED, metaFate } from "./meta_rewrite.ts";
import { DeidPolicy } from "./policy.ts";
import { resolveProfile } from "./profile.ts";
import { parseRuleArgs } from "./rules.ts";
import { parseJoined } from "../../tests/support/run_codec.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);

/** The File Meta tags of a real file, in order. */
function metaTags(name: string): number[] {
  const events = parseJoined(Deno.readFileSync(new URL(name, CORPUS)), 0);
  const end = events.findIndex((e) => e.kind === "metaEnd");
  return events.slice(0, end).flatMap((e) => (e.kind === "element" ? [e.tag] : []));
}
const fates = (tags: number[], policy: DeidPolicy) =>
  Object.fromEntries(tags.map((t) => [t.toString(16).padStart(8, "0"), metaFate(t, policy)]));

Deno.test("metaFate() maps a real file's instance UID and removes its implementation names", () => {
  const tags = metaTags("pydicom__CT_small.dcm");
  assert.ok(tags.includes(0x00020003) && tags.includes(0x00020012));
  const out = fates(tags, new DeidPolicy({ profile: resolveProfile("ps315-basic") }));
  assert.equal(out["00020003"], "uid");
  assert.equal(out["00020002"], "pass", "SOP Class UID is no identity");
  assert.equal(out["00020010"], "pass", "the transfer syntax is the encoder's business");
  for (const t of tags.filter((t) => META_REMOVED.has(t))) {
    assert.equal(out[t.toString(16).padStart(8, "0")], "delete");
  }
  assert.ok(Object.values(out).includes("delete"));
});

Deno.test("metaFate() keeps (0002,0003) exactly when (0008,0018) is kept", () => {
  const retain = new DeidPolicy({ profile: resolveProfile("ps315-basic", ["retain-uids"]) });
  assert.equal(metaFate(0x00020003, retain), "keep");
  const rule = parseRuleArgs(["SOPInstanceUID", "keep"], "-t #1");
  const userKeep = new DeidPolicy({ profile: resolveProfile("dicomfields_2023"), rules: [rule] });
  assert.equal(metaFate(0x00020003, userKeep), "keep");
  const other = parseRuleArgs(["StudyInstanceUID", "keep"], "-t #1");
  const otherKeep = new DeidPolicy({ profile: resolveProfile("dicomfields_2023"), rules: [other] });
  assert.equal(metaFate(0x00020003, otherKeep), "uid");
});
