import assert from "node:assert/strict";
import { DeidPolicyError } from "../errors.ts";
import {
  isSafePrivate,
  parseSafePrivateList,
  SAFE_PRIVATE_ROWS,
  safePrivateEntry,
  safePrivateMatcher,
} from "./safe_private.ts";

Deno.test("SAFE_PRIVATE_ROWS parse as odd-group (gggg,xxee) entries", () => {
  assert.equal(SAFE_PRIVATE_ROWS.length, 130);
  for (const [t, creator] of SAFE_PRIVATE_ROWS) {
    const e = safePrivateEntry(t, creator);
    assert.equal(e.group & 1, 1, t);
  }
});

Deno.test("isSafePrivate() matches group, creator and element low byte", () => {
  assert.equal(isSafePrivate(0x0019, "GEMS_ACQU_01", 0x23), true);
  assert.equal(isSafePrivate(0x7053, "Philips PET Private Group", 0x00), true);
  assert.equal(isSafePrivate(0x0199, "NQLeft", 0x0a), true);
  // The block byte of the element number does not matter: (0019,1023) and (0019,2023).
  assert.equal(isSafePrivate(0x0019, "GEMS_ACQU_01", 0x1023), true);
  assert.equal(isSafePrivate(0x0019, " GEMS_ACQU_01 ", 0x23), true);
  assert.equal(isSafePrivate(0x0019, "GEMS_ACQU_01", 0x25), false);
  assert.equal(isSafePrivate(0x0021, "GEMS_ACQU_01", 0x23), false);
  assert.equal(isSafePrivate(0x0019, "gems_acqu_01", 0x23), false);
  assert.equal(isSafePrivate(0x0029, "SIEMENS CSA HEADER", 0x10), false);
});

Deno.test("parseSafePrivateList() reads the documented JSON shape", () => {
  const extra = parseSafePrivateList([{ tag: "(0029,xx08)", creator: "SIEMENS CSA HEADER" }]);
  assert.deepEqual(extra, [{ group: 0x0029, creator: "SIEMENS CSA HEADER", elementLow: 0x08 }]);
  const matches = safePrivateMatcher(extra);
  assert.equal(matches(0x0029, "SIEMENS CSA HEADER", 0x1008), true);
  assert.equal(matches(0x0019, "GEMS_ACQU_01", 0x23), true);
  assert.equal(isSafePrivate(0x0029, "SIEMENS CSA HEADER", 0x08), false);
});

Deno.test("parseSafePrivateList() throws DeidPolicyError for malformed input", () => {
  assert.throws(() => parseSafePrivateList({}), DeidPolicyError);
  assert.throws(() => parseSafePrivateList([{ tag: "(0029,xx08)" }]), DeidPolicyError);
  assert.throws(() => parseSafePrivateList([{ tag: "(0028,xx08)", creator: "X" }]), /odd group/);
  assert.throws(
    () => parseSafePrivateList([{ tag: "(0029,1008)", creator: "X" }]),
    DeidPolicyError,
  );
  assert.throws(() => parseSafePrivateList([null]), DeidPolicyError);
});
