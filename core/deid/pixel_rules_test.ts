import assert from "node:assert/strict";
import { DeidPolicyError } from "./errors.ts";
import type { PixelFacts } from "./pixel_facts.ts";
import { matchPixelRule, parsePixelRules } from "./pixel_rules.ts";

Deno.test("parsePixelRules() reads the documented schema", () => {
  const rules = parsePixelRules(
    JSON.stringify([
      { match: { Modality: "US", Rows: 480, Columns: 640 }, rectangles: [[0, 0, 640, 40]] },
      { rectangles: [[1, 2, 3, 4], [5, 6, 7, 8]] },
    ]),
    "rules.json",
  );
  assert.equal(rules.length, 2);
  assert.deepEqual(rules[1].match, {});
  assert.deepEqual(rules[1].rectangles[1], [5, 6, 7, 8]);
});

Deno.test("parsePixelRules() names the file and the entry of each mistake", () => {
  const bad: [string, RegExp][] = [
    ["{", /^r\.json: not valid JSON$/],
    ["{}", /expected a JSON array/],
    ["[1]", /rule 1: expected an object/],
    ['[{"rectangles": [[0,0,1,1]], "extra": 1}]', /rule 1: unknown key "extra"/],
    [
      '[{"match": {"PatientName": "x"}, "rectangles": [[0,0,1,1]]}]',
      /unknown match key "PatientName"/,
    ],
    [
      '[{"match": {"Rows": "480"}, "rectangles": [[0,0,1,1]]}]',
      /match Rows must be a whole number/,
    ],
    [
      '[{"match": {"Modality": " "}, "rectangles": [[0,0,1,1]]}]',
      /match Modality must be a non-empty/,
    ],
    ['[{"match": {}}]', /"rectangles" must be a list/],
    ['[{"rectangles": []}]', /"rectangles" must be a list/],
    ['[{"rectangles": [[0,0,1,1],[0,0,0,1]]}]', /rule 1: rectangle 2 must be/],
    ['[{"rectangles": [[0,0,1.5,1]]}]', /rectangle 1 must be/],
    ['[{"rectangles": [[-1,0,1,1]]}]', /rectangle 1 must be/],
    ['[{"rectangles": [[0,0,1]]}]', /rectangle 1 must be/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parsePixelRules(text, "r.json"), (e: Error) => {
      assert.ok(e instanceof DeidPolicyError, text);
      assert.match(e.message, message, text);
      return true;
    });
  }
});

Deno.test("matchPixelRule() takes the first rule whose keys all match, text trimmed", () => {
  const facts: PixelFacts = {
    littleEndian: true,
    complete: true,
    modality: "US",
    manufacturer: "Acme Imaging ",
    model: "Sono 5",
    rows: 480,
    columns: 640,
  };
  const rules = parsePixelRules(
    JSON.stringify([
      { match: { Modality: "CT" }, rectangles: [[0, 0, 1, 1]] },
      { match: { Manufacturer: "acme imaging", Rows: 480 }, rectangles: [[0, 0, 1, 1]] },
      { match: {}, rectangles: [[0, 0, 1, 1]] },
    ]),
    "r",
  );
  assert.equal(matchPixelRule(rules, facts), 1);
  assert.equal(matchPixelRule(rules.slice(0, 1), facts), -1);
  assert.equal(matchPixelRule(rules, { ...facts, rows: 479 }), 2);
  const model = parsePixelRules(
    '[{"match":{"ManufacturerModelName":"Sono 5"},"rectangles":[[0,0,1,1]]}]',
    "r",
  );
  assert.equal(matchPixelRule(model, facts), 0);
  assert.equal(matchPixelRule(model, { ...facts, model: undefined }), -1);
});
