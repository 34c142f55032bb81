import assert from "node:assert/strict";
import type { DicomTree } from "./independent_reader.ts";
import { diffTrees } from "./tree_diff.ts";

// A tree shaped like pydicom_tree.py output: one SQ with one item holding a UI.
const tree = (uidHex: string, extra = false): DicomTree => ({
  transferSyntaxUid: "1.2.840.10008.1.2.1",
  elements: [
    {
      tag: "00081115",
      vr: "SQ",
      items: [[{ tag: "00081150", vr: "UI", length: uidHex.length / 2, hex: uidHex }]],
    },
    ...(extra ? [{ tag: "00100010", vr: "PN", length: 0, hex: "" }] : []),
  ],
});

Deno.test("diffTrees() is empty for equal trees", () => {
  assert.deepStrictEqual(diffTrees(tree("312e32"), tree("312e32")), []);
});

Deno.test("diffTrees() names the path of a changed value inside an item", () => {
  assert.deepStrictEqual(diffTrees(tree("312e32"), tree("312e33")), ["00081115[0].00081150: hex"]);
});

Deno.test("diffTrees() reports elements present on one side only", () => {
  assert.deepStrictEqual(diffTrees(tree("31"), tree("31", true)), ["00100010: only in second"]);
});
