import assert from "node:assert/strict";
import { DeidPolicyError } from "../deid/mod.ts";
import { deidentifierFor, parseAnonymizeParams } from "./params.ts";

const KEY = new Uint8Array(32).fill(7);
const parse = (q: string) => parseAnonymizeParams(new URLSearchParams(q));

Deno.test("parseAnonymizeParams() maps the CLI's names", () => {
  const p = parse(
    "profile=ps315-basic&option=retain-uids&option=clean-descriptors,retain-device-id" +
      "&keepPrivateTags=1&rule=" + encodeURIComponent("(0010,0020) keep") +
      "&rules=" + encodeURIComponent('[["(0010,0010)","replace_with_value","A B"]]'),
  );
  assert.equal(p.profile, "ps315-basic");
  assert.deepEqual(p.options, ["retain-uids", "clean-descriptors", "retain-device-id"]);
  assert.equal(p.keepPrivateTags, true);
  assert.equal(p.rules?.length, 2);
  assert.deepEqual(p.rules?.[1].action, { name: "replace_with_value", value: "A B" });
  assert.equal(deidentifierFor(p, KEY).profile.id, "ps315-basic");
});

Deno.test("parseAnonymizeParams() accepts minimal=1 and a rules dictionary", () => {
  const p = parse("minimal=1&rules=" + encodeURIComponent('{"(0010,0020)":"keep"}'));
  assert.equal(p.profile, "minimal");
  assert.equal(p.rules?.length, 1);
  assert.equal(parse("").profile, undefined);
});

Deno.test("parseAnonymizeParams() rejects bad input with DeidPolicyError", () => {
  for (
    const q of [
      "profiel=x",
      "minimal=1&profile=ps315-basic",
      "keepPrivateTags=yes",
      "rule=" + encodeURIComponent("(0010,0020)"),
      "rule=" + encodeURIComponent("(0010,0020) frobnicate"),
      "rules=" + encodeURIComponent("[1]"),
      "rules=nope",
    ]
  ) assert.throws(() => parse(q), DeidPolicyError, q);
  assert.throws(() => deidentifierFor(parse("profile=nope"), KEY), DeidPolicyError);
  assert.throws(() => deidentifierFor(parse("option=retain-uids"), KEY), DeidPolicyError);
});
