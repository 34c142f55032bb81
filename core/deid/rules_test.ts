import assert from "node:assert/strict";
import { tag } from "../dicom/tag.ts";
import { ACTION_NAMES } from "./actions.ts";
import { DeidPolicyError } from "./errors.ts";
import {
  applyRegexp,
  parseRuleArgs,
  parseRulesDictionary,
  RuleSet,
  type UserRule,
} from "./rules.ts";

const PATIENT_ID = tag(0x0010, 0x0020);

function policyError(includes: string) {
  return (e: unknown) => e instanceof DeidPolicyError && e.message.includes(includes);
}

Deno.test("parseRuleArgs() reads the README's -t examples", () => {
  assert.deepEqual(parseRuleArgs(["(0x0010, 0x0020)", "keep"], "-t #1"), {
    pattern: { pattern: "(0010,0020)", value: PATIENT_ID, mask: 0xffffffff },
    action: { name: "keep" },
    source: "-t #1",
  });
  const regexp = parseRuleArgs(["(0x0008, 0x0020)", "regexp", "0701$", "0000"], "-t #2");
  assert.deepEqual(regexp.action, { name: "regexp", find: "0701$", replace: "0000" });
  const value = parseRuleArgs(["(0x0010, 0x0010)", "replace_with_value", "new_value"], "-t #3");
  assert.deepEqual(value.action, { name: "replace_with_value", value: "new_value" });
});

Deno.test("parseRuleArgs() accepts every argument-free action", () => {
  for (const name of ACTION_NAMES.filter((n) => n !== "regexp" && n !== "replace_with_value")) {
    assert.deepEqual(parseRuleArgs(["PatientID", name], "-t #1").action, { name });
  }
});

Deno.test("parseRuleArgs() rejects wrong arity, unknown actions and bad tags with the source", () => {
  const cases: [string[], string][] = [
    [[], "-t #4: expected TAG ACTION"],
    [["PatientID"], "-t #4: expected TAG ACTION"],
    [["PatientID", "keep", "extra"], "-t #4: action keep takes no arguments, got 1"],
    [["PatientID", "regexp", "a"], "-t #4: action regexp takes 2 (find, replace), got 1"],
    [["PatientID", "regexp", "a", "b", "c"], "takes 2 (find, replace), got 3"],
    [["PatientID", "replace_with_value"], "takes 1 (value), got 0"],
    [["PatientID", "replace_with_value", "a", "b"], "takes 1 (value), got 2"],
    [["PatientID", "Keep"], "-t #4: unknown action; valid actions: keep, delete"],
    [["NoSuchKeyword", "keep"], '-t #4: Tag spec "NoSuchKeyword"'],
    [["PatientID", "regexp", "(", "x"], "-t #4: regexp pattern is not a valid JavaScript RegExp"],
    [["PatientID", "regexp", "a".repeat(1001), "x"], "longer than 1000"],
    [["PatientID", "regexp", "(a)", "\\2"], "refers to group 2; pattern has 1"],
  ];
  for (const [tokens, message] of cases) {
    assert.throws(() => parseRuleArgs(tokens, "-t #4"), policyError(message), message);
  }
});

Deno.test("parseRuleArgs() never echoes the action token", () => {
  assert.throws(
    () => parseRuleArgs(["PatientName", "DOE^JOHN"], "-t #1"),
    (e: Error) => !e.message.includes("DOE"),
  );
});

Deno.test("parseRulesDictionary() reads the README's dictionary and the object forms", () => {
  const rules = parseRulesDictionary(
    JSON.stringify({
      "(0x0002, 0x0002)": "keep",
      "(0x0008, 0x0020)": { action: "regexp", find: "0701$", replace: "0000" },
      "(0x0010, 0x0010)": { action: "replace_with_value", value: "new_value" },
      "PatientID": { action: "keep" },
    }),
    "rules.json",
  );
  assert.deepEqual(rules.map((r) => [r.pattern.pattern, r.action, r.source]), [
    ["(0002,0002)", { name: "keep" }, 'rules.json key "(0x0002, 0x0002)"'],
    [
      "(0008,0020)",
      { name: "regexp", find: "0701$", replace: "0000" },
      'rules.json key "(0x0008, 0x0020)"',
    ],
    [
      "(0010,0010)",
      { name: "replace_with_value", value: "new_value" },
      'rules.json key "(0x0010, 0x0010)"',
    ],
    ["(0010,0020)", { name: "keep" }, 'rules.json key "PatientID"'],
  ]);
  assert.deepEqual(parseRulesDictionary("\uFEFF{}", "rules.json"), []);
});

Deno.test("parseRulesDictionary() keeps file order for integer-like keys", () => {
  const text = '{"(0x2001, 0x1000, 0xFFFF, 0xFF00)": "delete", "20011001": "keep"}';
  // JSON.parse would list "20011001" first and let the range override it.
  const rules = parseRulesDictionary(text, "rules.json");
  assert.deepEqual(rules.map((r) => r.action.name), ["delete", "keep"]);
  assert.equal(new RuleSet(rules).find(tag(0x2001, 0x1001))?.action.name, "keep");
  assert.equal(new RuleSet(rules).find(tag(0x2001, 0x1002))?.action.name, "delete");
});

Deno.test("parseRulesDictionary() gives a repeated key its first place and last value", () => {
  const text = '{"PatientID": "keep", "00100020": "delete", "PatientID": "empty", "x": {"y": 1}}';
  assert.throws(() => parseRulesDictionary(text, "r.json"), policyError('r.json key "x"'));
  const rules = parseRulesDictionary(text.replace(', "x": {"y": 1}', ""), "r.json");
  assert.deepEqual(rules.map((r) => r.action.name), ["empty", "delete"]);
});

Deno.test("parseRulesDictionary() rejects bad files naming the file, never the content", () => {
  const cases: [string, string][] = [
    ['{"PatientID": "keep",', "r.json: not valid JSON"],
    ["SECRET", "r.json: not valid JSON"],
    ['["PatientID", "keep"]', "r.json: expected a JSON object"],
    ["null", "r.json: expected a JSON object"],
    ['"keep"', "r.json: expected a JSON object"],
    ['{"PatientID": 1}', 'r.json key "PatientID": expected an action name'],
    ['{"PatientID": ["keep"]}', 'r.json key "PatientID": expected an action name'],
    ['{"PatientID": "nope"}', 'r.json key "PatientID": unknown action'],
    ['{"PatientID": "regexp"}', "action regexp takes 2 (find, replace), got 0"],
    ['{"PatientID": {"action": "keep", "find": "a"}}', 'key "find" does not apply to action keep'],
    ['{"PatientID": {"action": "regexp", "find": "a"}}', 'needs "replace" as a string'],
    ['{"PatientID": {"action": "regexp", "find": 1, "replace": "b"}}', 'needs "find" as a string'],
    ['{"PatientID": {"action": "replace_with_value"}}', 'needs "value" as a string'],
    ['{"PatientID": {"action": "keep", "why": "x"}}', 'unknown key "why"'],
    ['{"PatientID": {"find": "a"}}', "unknown action"],
    ['{"(0x10000, 0x0020)": "keep"}', 'r.json key "(0x10000, 0x0020)": Tag spec'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseRulesDictionary(text, "r.json"), policyError(message), text);
  }
  assert.throws(
    () => parseRulesDictionary('{"PatientID": SECRET}', "r.json"),
    (e: Error) => !e.message.includes("SECRET"),
  );
});

function rule(spec: string, name: "keep" | "delete" | "empty", source = spec): UserRule {
  return parseRuleArgs([spec, name], source);
}

Deno.test("RuleSet.find() lets a later exact rule override an earlier range and vice versa", () => {
  const range = "(0x2001, 0x1000, 0xFFFF, 0xFF00)";
  const exactLast = new RuleSet([rule(range, "delete"), rule("(2001,1001)", "keep")]);
  assert.equal(exactLast.find(tag(0x2001, 0x1001))?.action.name, "keep");
  assert.equal(exactLast.find(tag(0x2001, 0x1002))?.action.name, "delete");
  const rangeLast = new RuleSet([rule("(2001,1001)", "keep"), rule(range, "delete")]);
  assert.equal(rangeLast.find(tag(0x2001, 0x1001))?.action.name, "delete");
  assert.equal(rangeLast.find(tag(0x2003, 0x1001)), undefined);
});

Deno.test("RuleSet.find() picks the last of overlapping rules", () => {
  const set = new RuleSet([
    rule("PatientID", "keep", "a"),
    rule("(0010,xxxx)", "empty", "b"),
    rule("(0x0010, 0x0020)", "delete", "c"),
    rule("(0010,00xx)", "keep", "d"),
    rule("(0x0010, 0x0000, 0xFFFF, 0xFF00)", "empty", "e"),
    rule("00101000", "delete", "f"),
  ]);
  assert.equal(set.find(PATIENT_ID)?.source, "e");
  assert.equal(set.find(tag(0x0010, 0x1000))?.source, "f");
  assert.equal(set.find(tag(0x0010, 0x2000))?.source, "b");
  assert.equal(set.find(tag(0x0008, 0x0020)), undefined);
  assert.equal(set.size, 6);
});

Deno.test("RuleSet.hasUserKeep() is true for keep, regexp and replace_with_value only", () => {
  assert.equal(new RuleSet([]).hasUserKeep(), false);
  assert.equal(
    new RuleSet([rule("PatientID", "delete"), rule("PatientName", "empty")]).hasUserKeep(),
    false,
  );
  assert.equal(new RuleSet([rule("PatientID", "keep")]).hasUserKeep(), true);
  for (
    const tokens of [["StudyDate", "regexp", "a", "b"], ["PatientName", "replace_with_value", "X"]]
  ) {
    assert.equal(new RuleSet([parseRuleArgs(tokens, "-t #1")]).hasUserKeep(), true, tokens[1]);
  }
});

Deno.test("applyRegexp() reproduces the README's study date example", () => {
  assert.equal(applyRegexp("20080701", "0701$", "0000"), "20080000");
});
