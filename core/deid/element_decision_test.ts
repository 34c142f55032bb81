import assert from "node:assert/strict";
import { decideElement, effectFor } from "./element_decision.ts";
import { DeidPolicy } from "./policy.ts";
import { resolveProfile } from "./profile.ts";
import { parseRuleArgs } from "./rules.ts";

const basic = (options: string[] = []) =>
  new DeidPolicy({
    profile: resolveProfile("ps315-basic", options),
    // A site's safe list: only element xx01 of block "ACME 1.0" is safe.
    isSafePrivate: (group, creator, low) => group === 0x0009 && creator === "ACME 1.0" && low === 1,
  });
const noCreators = { creatorOf: () => undefined };

Deno.test("decideElement() removes illegal groups and File Meta tags found in the dataset", () => {
  const policy = basic();
  for (const tag of [0x00010010, 0x00031000, 0x00070001, 0xffff0010, 0x00020003]) {
    const d = decideElement(tag, policy, false, noCreators);
    assert.deepEqual(d, { action: { name: "delete" }, source: "illegal-group" }, tag.toString(16));
  }
});

Deno.test("decideElement() lets the engine replace its own elements before any rule", () => {
  const rule = parseRuleArgs(["(0012,0062)", "keep"], "-t #1");
  const policy = new DeidPolicy({ profile: resolveProfile("ps315-basic"), rules: [rule] });
  assert.equal(decideElement(0x00120062, policy, true, noCreators).source, "replaced-by-engine");
  assert.equal(decideElement(0x00120062, policy, false, noCreators).source, "user");
});

Deno.test("decideElement() asks the policy about private elements with their block's creator", () => {
  const policy = basic();
  const asked: number[] = [];
  const creators = {
    creatorOf: (tag: number) => (asked.push(tag), tag === 0x00091001 ? "ACME 1.0" : "OTHER"),
  };
  assert.equal(decideElement(0x00091001, policy, false, creators).source, "safe-private");
  assert.equal(decideElement(0x00091002, policy, false, creators).source, "private");
  assert.deepEqual(asked, [0x00091001, 0x00091002]);
  assert.equal(decideElement(0x00100010, policy, false, creators).row?.code, "Z");
  assert.equal(asked.length, 2, "standard tags need no creator");
});

Deno.test("effectFor() shifts dates under Modified Dates and keeps the other C rows", () => {
  const policy = basic(["retain-long-modified-dates"]);
  assert.equal(effectFor(policy.standard(0x00080020), "DA", false), "shift"); // StudyDate
  assert.equal(effectFor(policy.standard(0x00080030), "TM", false), "keep"); // StudyTime
  const plain = basic();
  assert.equal(effectFor(plain.standard(0x00080020), "DA", false), "empty", "basic: Z");
  assert.equal(effectFor(plain.standard(0x00080018), "UI", false), "uid");
  assert.equal(effectFor(plain.standard(0x00080018), "UI", true), "keep", "a sequence is kept");
  assert.equal(effectFor(plain.standard(0x00081030), "LO", false), "delete");
});
