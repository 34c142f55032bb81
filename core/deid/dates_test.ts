import assert from "node:assert/strict";
import { dayShift, shiftDate, shiftDateTime } from "./dates.ts";

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

Deno.test("dayShift() is deterministic per key and patient and ignores padding", () => {
  assert.equal(dayShift(KEY, "PAT001"), dayShift(Uint8Array.from(KEY), "PAT001"));
  assert.equal(dayShift(KEY, "PAT001 "), dayShift(KEY, "PAT001"));
  const otherKey = KEY.map((b) => b ^ 0xff);
  const ids = Array.from({ length: 20 }, (_, i) => `P${i}`);
  assert.ok(ids.some((id) => dayShift(KEY, id) !== dayShift(otherKey, id)));
});

Deno.test("dayShift() stays in [-3650, -1] and spreads over 1,000 patient ids", () => {
  const shifts = Array.from({ length: 1000 }, (_, i) => dayShift(KEY, `patient-${i}`));
  for (const s of shifts) {
    assert.ok(Number.isInteger(s) && s >= -3650 && s <= -1, `shift ${s}`);
  }
  assert.ok(new Set(shifts).size > 800, "shifts collapse onto few values");
  assert.ok(Math.min(...shifts) < -3000 && Math.max(...shifts) > -650, "range not covered");
});

Deno.test("shiftDate() handles leap days and month ends", () => {
  assert.equal(shiftDate("20240229", -365), "20230301");
  assert.equal(shiftDate("20240229", -366), "20230228");
  assert.equal(shiftDate("20240301", -1), "20240229");
  assert.equal(shiftDate("20230301", -1), "20230228");
  assert.equal(shiftDate("20000301", -1), "20000229"); // 2000 is a leap year
  assert.equal(shiftDate("19000301", -1), "19000228"); // 1900 is not
  assert.equal(shiftDate("20210131", -31), "20201231");
  assert.equal(shiftDate("20200101", -3650), "20100103");
  assert.equal(shiftDate("00010101", -1), "00001231"); // year 0 is still four digits
});

Deno.test("shiftDate() accepts the ACR-NEMA form, padding and multiple values", () => {
  assert.equal(shiftDate("2024.03.01", -1), "20240229");
  assert.equal(shiftDate("20240301 ", -1), "20240229");
  assert.equal(shiftDate("20240301\\20240102", -2), "20240228\\20231231");
  assert.equal(shiftDate("20240301\\", -1), "20240229\\");
  assert.equal(shiftDate("", -1), "");
});

Deno.test("shiftDate() keeps the form of ranges", () => {
  assert.equal(shiftDate("20240301-20240305", -1), "20240229-20240304");
  assert.equal(shiftDate("-20240305", -1), "-20240304");
  assert.equal(shiftDate("20240301-", -1), "20240229-");
});

Deno.test("shiftDate() returns undefined when any part is not a valid date", () => {
  for (
    const bad of [
      "20230229",
      "20241301",
      "20240001",
      "20240100",
      "2024010",
      "2024.0101",
      "John Doe",
      "-",
      "20240101-2024",
      "20240101\\2024013X",
      " 20240101",
    ]
  ) {
    assert.equal(shiftDate(bad, -1), undefined, bad);
  }
  assert.equal(shiftDate("00010101", -1000), undefined, "before year 0");
});

Deno.test("shiftDate() rejects a fractional shift with RangeError", () => {
  assert.throws(() => shiftDate("20240101", -1.5), RangeError);
});

Deno.test("shiftDateTime() keeps time, fraction and UTC offset", () => {
  assert.equal(shiftDateTime("20240301123456.123456+0100", -1), "20240229123456.123456+0100");
  assert.equal(shiftDateTime("20240301235959.1-0500", -1), "20240229235959.1-0500");
  assert.equal(shiftDateTime("2024030112", -1), "2024022912");
  assert.equal(shiftDateTime("20240301", -1), "20240229");
  // PS3.5 writes the sign as "&"; the character itself is never part of a value.
  assert.equal(shiftDateTime("20240301&0000", -1), undefined);
  assert.equal(shiftDateTime("20240301+0000", -1), "20240229+0000");
});

Deno.test("shiftDateTime() shifts partial values from their first day, same precision", () => {
  assert.equal(shiftDateTime("2024", -1), "2023");
  assert.equal(shiftDateTime("2024", -365), "2023");
  assert.equal(shiftDateTime("2024", -367), "2022");
  assert.equal(shiftDateTime("202403", -1), "202402");
  assert.equal(shiftDateTime("202403", -30), "202401");
  assert.equal(shiftDateTime("2024+0100", -1), "2023+0100");
});

Deno.test("shiftDateTime() handles multiple values and ranges despite negative offsets", () => {
  assert.equal(shiftDateTime("20240301\\2024", -1), "20240229\\2023");
  assert.equal(shiftDateTime("20240301-20240302", -1), "20240229-20240301");
  assert.equal(shiftDateTime("20240301-0500-20240302-0500", -1), "20240229-0500-20240301-0500");
  assert.equal(shiftDateTime("-20240302", -1), "-20240301");
});

Deno.test("shiftDateTime() returns undefined for invalid values", () => {
  for (
    const bad of [
      "20240230",
      "202413",
      "2024030124",
      "202403011260",
      "20240301120061",
      "20240301.5",
      "20240301120000.1234567",
      "20240301+1500",
      "20240301+0160",
      "24",
    ]
  ) {
    assert.equal(shiftDateTime(bad, -1), undefined, bad);
  }
});
