import assert from "node:assert/strict";
import { LevelStack } from "./levels.ts";

Deno.test("LevelStack.path() names each sequence with the index of its current item", () => {
  const levels = new LevelStack();
  assert.equal(levels.path(), "");
  levels.enterSequence(0x00081140);
  levels.enterItem();
  levels.leave();
  levels.enterItem(); // second item: index 1
  levels.enterSequence(0x0040a730);
  levels.enterItem();
  assert.equal(levels.path(), "(0008,1140)[1].(0040,A730)[0]");
  assert.equal(levels.depth, 5);
  assert.equal(levels.index, 4);
  levels.leave();
  levels.leave();
  assert.equal(levels.path(), "(0008,1140)[1]");
});

Deno.test("LevelStack charsets: items inherit their dataset's, an item's own do not leak out", () => {
  const levels = new LevelStack();
  levels.current.charsets = ["ISO_IR 100"];
  levels.enterSequence(0x00081140);
  levels.enterItem();
  assert.deepEqual(levels.current.charsets, ["ISO_IR 100"]);
  levels.current.charsets = ["ISO_IR 192"]; // the item's own (0008,0005)
  levels.leave();
  levels.enterItem();
  assert.deepEqual(levels.current.charsets, ["ISO_IR 100"], "the next item starts afresh");
  levels.leave();
  levels.leave();
  levels.enterPixels();
  assert.deepEqual(levels.current.charsets, [], "fragments carry no text");
});

Deno.test("LevelStack.creatorOf() finds a block's creator at the current level only", () => {
  const levels = new LevelStack();
  levels.addCreator(0x00290010, "SIEMENS CSA HEADER");
  levels.addCreator(0x00290011, "SIEMENS MEDCOM HEADER");
  assert.equal(levels.creatorOf(0x00291008), "SIEMENS CSA HEADER");
  assert.equal(levels.creatorOf(0x00291108), "SIEMENS MEDCOM HEADER");
  assert.equal(levels.creatorOf(0x00291208), undefined, "block 12 has no creator");
  assert.equal(levels.creatorOf(0x00310010 + 0x1000), undefined, "another group");
  assert.equal(levels.creatorOf(0x00290010), undefined, "a creator has no creator");
  levels.enterSequence(0x00291010);
  levels.enterItem();
  assert.equal(levels.creatorOf(0x00291008), undefined, "an item declares its own creators");
  levels.leave();
  levels.leave();
  assert.equal(levels.creatorOf(0x00291008), "SIEMENS CSA HEADER");
});
