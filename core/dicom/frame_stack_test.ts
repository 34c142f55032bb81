import assert from "node:assert/strict";
import { DicomParseError } from "./errors.ts";
import { UNDEFINED_LENGTH } from "./events.ts";
import { FrameStack } from "./frame_stack.ts";
import { EXPLICIT_LE } from "./header.ts";

const SEQ = 0x00081140;
const enc = EXPLICIT_LE;

Deno.test("FrameStack.open() refuses nesting past maxDepth at the header's offset", () => {
  const frames = new FrameStack(2);
  frames.open({ kind: "sequence", end: UNDEFINED_LENGTH, enc, tag: SEQ }, 10);
  frames.open({ kind: "item", end: UNDEFINED_LENGTH, enc, tag: SEQ }, 22);
  assert.throws(
    () => frames.open({ kind: "sequence", end: UNDEFINED_LENGTH, enc, tag: SEQ }, 30),
    (e) =>
      e instanceof DicomParseError && e.offset === 30 && /deeper than 2 levels/.test(e.message),
  );
  assert.equal(frames.depth, 2);
});

Deno.test("FrameStack.checkFits() checks against the innermost defined-length frame only", () => {
  const frames = new FrameStack(8);
  frames.open({ kind: "sequence", end: 100, enc, tag: SEQ }, 0);
  frames.open({ kind: "item", end: UNDEFINED_LENGTH, enc, tag: SEQ }, 12);
  // Inside an undefined-length item, the outer sequence's end still binds.
  frames.checkFits(20, 80, 0x00081150);
  assert.throws(
    () => frames.checkFits(20, 81, 0x00081150),
    (e) =>
      e instanceof DicomParseError && e.offset === 20 && e.tag === 0x00081150 &&
      e.message.includes("Value length 81 runs past the enclosing sequence"),
  );
  frames.open({ kind: "item", end: 60, enc, tag: SEQ }, 20);
  assert.throws(() => frames.checkFits(28, 33, 0x00100010), /past the enclosing item/);
  frames.checkFits(28, 32, 0x00100010);
  // Only the innermost defined frame is checked: opening it checked that it fits the others.
  const loose = new FrameStack(8);
  loose.open({ kind: "sequence", end: 50, enc, tag: SEQ }, 0);
  loose.open({ kind: "item", end: 100, enc, tag: SEQ }, 12);
  loose.checkFits(20, 80, 0x00100010);
});

Deno.test("FrameStack.close() and unfinished() tell items from sequences and ended from open", () => {
  const frames = new FrameStack(8);
  frames.open({ kind: "pixels", end: UNDEFINED_LENGTH, enc, tag: 0x7fe00010 }, 0);
  frames.open({ kind: "sequence", end: 50, enc, tag: SEQ }, 0);
  frames.open({ kind: "item", end: 40, enc, tag: SEQ }, 12);
  assert.equal(frames.unfinished(39)?.kind, "item");
  assert.equal(frames.unfinished(40)?.kind, "sequence", "the item has ended at 40");
  assert.equal(frames.unfinished(50)?.kind, "pixels", "delimited frames are never done");
  assert.equal(frames.top?.kind, "item");
  assert.deepEqual(frames.close(), { kind: "itemEnd" });
  assert.deepEqual(frames.close(), { kind: "sequenceEnd" });
  assert.deepEqual(frames.close(), { kind: "sequenceEnd" });
  assert.equal(frames.depth, 0);
  assert.equal(frames.top, undefined);
  assert.equal(frames.unfinished(0), undefined);
});
