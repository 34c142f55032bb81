import assert from "node:assert/strict";
import type { DicomEvent } from "../dicom/events.ts";
import { PrivateGroups } from "./private_groups.ts";

const element = (tag: number, length = 2): DicomEvent => ({
  kind: "element",
  tag,
  vr: "LO",
  length,
  offset: 0,
});
const tags = (events: DicomEvent[]) =>
  events.map((e) => (e.kind === "element" ? e.tag.toString(16).padStart(8, "0") : e.kind));

Deno.test("PrivateGroups.emitAt() writes straight out while no group is held", () => {
  const groups = new PrivateGroups();
  groups.emitAt(0, element(0x00100010));
  groups.emitAt(3, element(0x00100020));
  assert.equal(groups.holding, false);
  assert.deepEqual(tags(groups.take()), ["00100010", "00100020"]);
  assert.deepEqual(groups.take(), []);
});

Deno.test("PrivateGroups.flush() writes only the creators of used blocks, in block order", () => {
  const groups = new PrivateGroups();
  groups.open(0, 0x00090012);
  // Creators as a writer may order them: the output lists blocks in tag order.
  groups.setCreator(0, 0x00090012, [element(0x00090012)]);
  groups.setCreator(0, 0x00090011, [element(0x00090011)]);
  groups.setCreator(0, 0x00090010, [element(0x00090010)]);
  groups.keep(0, 0x00091201);
  groups.emitAt(0, element(0x00091201));
  groups.keep(0, 0x00091001);
  groups.emitAt(0, element(0x00091001));
  assert.equal(groups.holding, true);
  assert.equal(groups.groupAt(0), 0x0009);
  assert.deepEqual(groups.take(), [], "nothing is final while the group is open");
  groups.flush(0);
  assert.deepEqual(tags(groups.take()), ["00090010", "00090012", "00091201", "00091001"]);
  assert.equal(groups.holding, false);
  assert.equal(groups.groupAt(0), undefined);
});

Deno.test("PrivateGroups routes a deeper level's events into the group held below it", () => {
  const groups = new PrivateGroups();
  groups.open(0, 0x00290010); // a private sequence at the top level holds its items' events
  groups.keep(0, 0x00291010);
  groups.emitAt(0, element(0x00291010));
  groups.emitAt(2, { kind: "itemStart", length: 0xffffffff, offset: 0 });
  groups.open(2, 0x00310010); // a private group inside the item, within the held one
  groups.setCreator(2, 0x00310010, [element(0x00310010)]);
  groups.keep(2, 0x00311001);
  groups.emitAt(2, element(0x00311001));
  groups.flush(2); // its creator and element go to the level-0 group, not out
  assert.deepEqual(groups.take(), []);
  groups.flush(0);
  assert.deepEqual(tags(groups.take()), ["00291010", "itemStart", "00310010", "00311001"]);
});

Deno.test("PrivateGroups.own() copies held values, so the input buffer may be refilled", () => {
  const groups = new PrivateGroups();
  const buffer = new Uint8Array([0x41, 0x42]);
  groups.open(0, 0x00091001);
  groups.emitAt(0, element(0x00091001));
  groups.emitAt(0, { kind: "value", bytes: buffer.subarray(0, 2), last: true });
  groups.own();
  buffer.fill(0); // the reader refills its buffer for the next push
  groups.flush(0);
  const value = groups.take().find((e) => e.kind === "value");
  assert.ok(value?.kind === "value");
  assert.deepEqual([...value.bytes], [0x41, 0x42]);
});
