import assert from "node:assert/strict";
import { parseAnonymizeParams } from "../../core/anonymize/params.ts";
import { defaultSettings, describeSettings, settingsFromForm, settingsQuery } from "./settings.ts";

Deno.test("settingsQuery() sends rows as JSON tokens and the dictionary after them", () => {
  const q = settingsQuery({
    ...defaultSettings("ps315-basic"),
    options: ["retain-uids"],
    rules: [
      { tag: " (0010,0040) ", action: "keep", arg1: "ignored", arg2: "" },
      { tag: "", action: "delete", arg1: "", arg2: "" },
      { tag: "PatientName", action: "replace_with_value", arg1: "Anon Ymous", arg2: "" },
    ],
    dictionary: '{"(0008,0080)": "keep"}',
  });
  assert.deepEqual(q.getAll("rules"), [
    '[["(0010,0040)","keep"],["PatientName","replace_with_value","Anon Ymous"]]',
    '{"(0008,0080)": "keep"}',
  ]);
  assert.equal(q.get("profile"), "ps315-basic");
  assert.deepEqual(q.getAll("option"), ["retain-uids"]);
  const parsed = parseAnonymizeParams(q);
  assert.equal(parsed.rules?.length, 3, "the server's parser accepts what the UI sends");
});

Deno.test("settingsQuery() with minimal drops profile and options", () => {
  const q = settingsQuery({
    ...defaultSettings("ps315-basic"),
    minimal: true,
    options: ["retain-uids"],
  });
  assert.equal(q.toString(), "minimal=1");
});

Deno.test("settingsFromForm() reads the no-JS form's repeated fields in order", () => {
  const s = settingsFromForm([
    ["profile", "ps315-basic"],
    ["option", "retain-uids"],
    ["option", "clean-graphics"],
    ["keepPrivateTags", "1"],
    ["rule_tag", "(0010,0040)"],
    ["rule_action", "keep"],
    ["rule_arg1", ""],
    ["rule_arg2", ""],
  ], "dicomfields_2023");
  assert.equal(s.profile, "ps315-basic");
  assert.deepEqual(s.options, ["retain-uids", "clean-graphics"]);
  assert.equal(s.keepPrivateTags, true);
  assert.equal(s.minimal, false);
  assert.deepEqual(s.rules, [{ tag: "(0010,0040)", action: "keep", arg1: "", arg2: "" }]);
  assert.equal(settingsFromForm([], "dicomfields_2023").profile, "dicomfields_2023");
});

Deno.test("describeSettings() summarizes a stored query string", () => {
  assert.equal(
    describeSettings("profile=ps315-basic&option=retain-uids&keepPrivateTags=1&rules=x"),
    "ps315-basic · retain-uids · private tags kept · custom rules",
  );
  assert.equal(
    describeSettings("minimal=1"),
    "minimal (direct identifiers only) · private tags removed",
  );
});
