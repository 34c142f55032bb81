import assert from "node:assert/strict";
import { isSafePrivate, PrivateLevel, type PrivatePolicy } from "./private_check.ts";

const SAFE: PrivatePolicy = { keepPrivateTags: false, safePrivate: true, exempt: () => false };

Deno.test("isSafePrivate() reads PS3.15 Table E.3.10-1 by group, creator and element", () => {
  assert.ok(isSafePrivate(0x0019, "GEMS_ACQU_01", 0x23));
  assert.ok(isSafePrivate(0x0019, " GEMS_ACQU_01 \0", 0x23), "padding is not significant");
  assert.ok(!isSafePrivate(0x0019, "GEMS_ACQU_02", 0x23));
  assert.ok(!isSafePrivate(0x0019, "GEMS_ACQU_01", 0x22));
  assert.ok(!isSafePrivate(0x0021, "GEMS_ACQU_01", 0x23));
});

Deno.test("PrivateLevel.judge() keeps a safe element under its own creator only", () => {
  const level = new PrivateLevel();
  level.addCreator(0x00190010, 100);
  level.setCreatorText(0x00190010, "GEMS_ACQU_01");
  level.addCreator(0x00190011, 110);
  level.setCreatorText(0x00190011, "OTHER VENDOR");
  assert.equal(level.judge(0x00191023, SAFE), "safe-private");
  assert.equal(level.judge(0x00191123, SAFE), undefined, "block 11 has another creator");
  assert.equal(level.judge(0x00191022, SAFE), undefined, "not in the table");
  assert.deepEqual(level.orphanCreators(SAFE), [{ tag: 0x00190011, offset: 110 }]);
});

Deno.test("PrivateLevel.judge() follows keepPrivateTags and user rules", () => {
  const level = new PrivateLevel();
  level.addCreator(0x00090010, 0);
  const none: PrivatePolicy = { keepPrivateTags: false, safePrivate: false, exempt: () => false };
  assert.equal(level.judge(0x00091001, none), undefined);
  assert.deepEqual(level.orphanCreators(none), [{ tag: 0x00090010, offset: 0 }]);
  assert.equal(level.judge(0x00091001, { ...none, keepPrivateTags: true }), "keepPrivateTags");
  const rule = { ...none, exempt: (t: number) => t === 0x00091002 };
  assert.equal(level.judge(0x00091002, rule), "user-rule");
  assert.deepEqual(level.orphanCreators(none), [], "a kept element keeps its creator");
});
