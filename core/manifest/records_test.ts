import assert from "node:assert/strict";
import { fileBody } from "./records.ts";
import { userRulesOf } from "./user_rules.ts";
import { parseRuleArgs } from "../deid/mod.ts";

Deno.test("userRulesOf() lists tag patterns and action names, never an argument", () => {
  const rules = [
    parseRuleArgs(["(0x0010, 0x0010)", "replace_with_value", "DOE^JANE"], "-t #1"),
    parseRuleArgs(["(0x0008, 0x0020)", "regexp", "0701$", "SECRET"], "-t #2"),
    parseRuleArgs(["(0x2001, 0x1001, 0xFFFF, 0xFF00)", "keep"], "-t #3"),
    parseRuleArgs(["OverlayData", "delete"], "-t #4"),
  ];
  const listed = userRulesOf(rules);
  assert.deepEqual(listed, [
    { tag: "(0010,0010)", action: "replace_with_value" },
    { tag: "(0008,0020)", action: "regexp" },
    { tag: "(0x2001, 0x1001, 0xFFFF, 0xFF00)", action: "keep" },
    { tag: "(60xx,3000)", action: "delete" },
  ]);
  const text = JSON.stringify(listed);
  for (const secret of ["DOE", "JANE", "0701", "SECRET"]) assert.ok(!text.includes(secret));
});

Deno.test("fileBody() writes hashes only for outputs, reasons only for failures", () => {
  assert.deepEqual(fileBody({ status: "dicomdir", reason: "DICOMDIR not anonymized" }), {
    status: "dicomdir",
  });
  assert.deepEqual(fileBody({ status: "held-back", reason: "burned-in annotation" }), {
    status: "held-back",
    reason: "burned-in annotation",
  });
  assert.deepEqual(fileBody({ status: "ok", output: "a/b.dcm" }), {
    status: "ok",
    output: "a/b.dcm",
  });
});
