import assert from "node:assert/strict";
import type { ElementEvent } from "../dicom/events.ts";
import { uidCheck, uidFindings, uidHash, uidValues } from "./uid_check.ts";

const KEY = new Uint8Array(32).fill(7);
const EV: ElementEvent = { kind: "element", tag: 0x00081155, vr: "UI", length: 0, offset: 0x40 };
const inputs = uidCheck(
  KEY,
  new Set(["1.2.3", "1.2.840.10008.5.1.4.1.1.2"].map((u) => uidHash(KEY, u))),
);

Deno.test("uidValues() splits values and drops padding", () => {
  assert.deepEqual(uidValues("1.2.3\\4.5\0"), ["1.2.3", "4.5"]);
  assert.deepEqual(uidValues(" 1.2 "), ["1.2"]);
});

Deno.test("uidFindings() reports an input UID kept, by value position, never the value", () => {
  assert.deepEqual(uidFindings("f", EV, "2.25.99\0", inputs), []);
  const found = uidFindings("f", EV, "2.25.99\\1.2.3\0", inputs);
  assert.deepEqual(found.map((f) => [f.check, f.tag, f.offset, f.message]), [
    ["uid-unchanged", "(0008,1155)", 0x40, "input UID kept unchanged (value 2 of 2)"],
  ]);
  assert.ok(!JSON.stringify(found).includes("1.2.3"));
});

Deno.test("uidFindings() lets standard UIDs through", () => {
  assert.deepEqual(uidFindings("f", EV, "1.2.840.10008.5.1.4.1.1.2\0", inputs), []);
});
