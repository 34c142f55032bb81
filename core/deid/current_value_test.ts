import assert from "node:assert/strict";
import type { ElementEvent } from "../dicom/events.ts";
import { CurrentValue, MAX_GATHER } from "./current_value.ts";
import { DeidValueError } from "./errors.ts";

const element = (length: number, offset = 0x1a): ElementEvent => ({
  kind: "element",
  tag: 0x00100010,
  vr: "PN",
  length,
  offset,
});
const chunk = (bytes: Uint8Array, last: boolean) => ({ kind: "value" as const, bytes, last });

Deno.test("CurrentValue gathers a value across pushes from one refilled buffer", () => {
  const value = new CurrentValue();
  const got: string[] = [];
  value.start(element(6), "gather", (v) => got.push(new TextDecoder().decode(v)));
  const buffer = new Uint8Array(3);
  buffer.set(new TextEncoder().encode("ABC"));
  assert.equal(value.take(chunk(buffer, false)), false, "a gathered chunk is not written");
  value.own(); // end of push: the reader may now refill its buffer
  buffer.set(new TextEncoder().encode("DEF"));
  assert.equal(value.take(chunk(buffer, true)), false);
  assert.deepEqual(got, ["ABCDEF"]);
  assert.equal(value.mode, undefined, "nothing current after the last chunk");
});

Deno.test("CurrentValue passes or drops chunks as the mode says", () => {
  const value = new CurrentValue();
  value.start(element(4), "pass");
  assert.equal(value.mode, "pass");
  assert.equal(value.take(chunk(new Uint8Array(2), false)), true);
  assert.equal(value.take(chunk(new Uint8Array(2), true)), true);
  value.start(element(4), "drop", () => assert.fail("a dropped value is not gathered"));
  assert.equal(value.take(chunk(new Uint8Array(4), true)), false);
  value.startFragment();
  assert.equal(value.mode, "pass", "a fragment passes, even an empty one");
  assert.throws(() => new CurrentValue().take(chunk(new Uint8Array(1), true)), TypeError);
});

Deno.test("CurrentValue.start() completes an empty value at once", () => {
  const value = new CurrentValue();
  const got: number[] = [];
  value.start(element(0), "gather", (v) => got.push(v.length));
  assert.deepEqual(got, [0]);
  assert.equal(value.mode, undefined, "no value event will come");
});

Deno.test("CurrentValue.start() refuses to gather past MAX_GATHER, naming tag and offset only", () => {
  const value = new CurrentValue();
  value.start(element(MAX_GATHER + 2), "pass"); // streaming it is fine
  assert.throws(
    () => value.start(element(MAX_GATHER + 2, 0x1a), "gather", () => {}),
    (e) =>
      e instanceof DeidValueError &&
      e.message === "Value too long to de-identify (1048578 bytes) at offset 0x1A in (0010,0010)",
  );
});
