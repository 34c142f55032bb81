import assert from "node:assert/strict";
import { tag } from "../dicom/tag.ts";
import { DeidPolicyError } from "./errors.ts";
import {
  compileTagPattern,
  DEFAULT_PROFILE,
  matchesTagPattern,
  type ProfileAction,
  resolveProfile,
} from "./profile.ts";
import { BASIC_PROFILE_ROWS, OPTION_COLUMNS } from "./tables/basic_profile.ts";
import { KITWARE_2024B } from "./tables/kitware_2024b.ts";

const PATIENT_ID = tag(0x0010, 0x0020);

function action(id: string, t: number, options: string[] = []): ProfileAction | undefined {
  return resolveProfile(id, options).actionFor(t);
}

Deno.test("resolveProfile() gives Patient ID Z in 2023 and Z/D in 2024b and ps315-basic", () => {
  assert.equal(DEFAULT_PROFILE, "dicomfields_2023");
  assert.deepEqual(action("dicomfields_2023", PATIENT_ID), {
    code: "Z",
    row: "(0010,0020)",
    column: "kitware:Z_TAGS",
  });
  assert.equal(action("dicomfields_2024b", PATIENT_ID)?.code, "Z/D");
  assert.deepEqual(action("ps315-basic", PATIENT_ID), {
    code: "Z/D",
    row: "(0010,0020)",
    column: "basic",
  });
});

Deno.test("resolveProfile() gives Person Name D and SOP Instance UID U in every profile", () => {
  for (const id of ["dicomfields_2023", "dicomfields_2024b", "ps315-basic"]) {
    // Patient's Name is Z in Table E.1-1 (a dummy value is allowed, not required).
    assert.equal(action(id, tag(0x0010, 0x0010))?.code, "Z", id);
    assert.equal(action(id, tag(0x0040, 0xa123))?.code, "D", id);
    assert.equal(action(id, tag(0x0008, 0x0018))?.code, "U", id);
    assert.equal(action(id, tag(0x0028, 0x0010)), undefined, `${id} does not list Rows`);
  }
});

Deno.test("actionFor() matches the overlay row only for even groups 6000-601E", () => {
  for (const id of ["dicomfields_2023", "dicomfields_2024b", "ps315-basic"]) {
    assert.equal(action(id, tag(0x6000, 0x3000))?.row, "(60xx,3000)", id);
    assert.equal(action(id, tag(0x601e, 0x4000))?.row, "(60xx,4000)", id);
    assert.equal(action(id, tag(0x6001, 0x3000)), undefined, `${id} (6001,3000) is private`);
    assert.equal(action(id, tag(0x6020, 0x3000)), undefined, `${id} (6020,3000) is past 601E`);
    assert.equal(action(id, tag(0x5012, 0x1234))?.row, "(50xx,xxxx)", id);
  }
});

Deno.test("compileTagPattern() keeps repeating groups even and rejects malformed patterns", () => {
  const curve = compileTagPattern("(50xx,xxxx)");
  assert.equal(matchesTagPattern(curve, tag(0x5000, 0x0000)), true);
  assert.equal(matchesTagPattern(curve, tag(0x501e, 0xffff)), true);
  assert.equal(matchesTagPattern(curve, tag(0x5003, 0x0010)), false);
  assert.equal(matchesTagPattern(curve, tag(0x5100, 0x0010)), false);
  assert.equal(matchesTagPattern(compileTagPattern("(FFFE,E0DD)"), 0xfffee0dd), true);
  assert.throws(() => compileTagPattern("(0010,002)"), DeidPolicyError);
  assert.throws(() => compileTagPattern("0010,0020"), DeidPolicyError);
});

Deno.test("resolveProfile() applies ps315-basic option columns", () => {
  const studyUid = tag(0x0020, 0x000d);
  assert.equal(action("ps315-basic", studyUid)?.code, "U");
  assert.deepEqual(action("ps315-basic", studyUid, ["retain-uids"]), {
    code: "K",
    row: "(0020,000D)",
    column: "retain-uids",
  });
  const studyDate = tag(0x0008, 0x0020);
  assert.equal(action("ps315-basic", studyDate, ["retain-long-full-dates"])?.code, "K");
  assert.equal(action("ps315-basic", studyDate, ["retain-long-modified-dates"])?.code, "C");
  assert.deepEqual(action("ps315-basic", tag(0x0008, 0x1030), ["clean-descriptors"]), {
    code: "C",
    row: "(0008,1030)",
    column: "clean-descriptors",
  });
  assert.equal(action("ps315-basic", tag(0x0008, 0x1030), ["retain-uids"])?.code, "X");
});

Deno.test("resolveProfile() lets K win over C when selected options disagree", () => {
  const lastCalibration = tag(0x0018, 0x1200);
  const both = ["retain-long-modified-dates", "retain-device-id"];
  assert.deepEqual(action("ps315-basic", lastCalibration, both), {
    code: "K",
    row: "(0018,1200)",
    column: "retain-device-id",
  });
  // Two C options: the first in table column order names the column.
  const allergies = action("ps315-basic", tag(0x0010, 0x2110), [
    "clean-descriptors",
    "retain-patient-chars",
  ]);
  assert.deepEqual(allergies, { code: "C", row: "(0010,2110)", column: "retain-patient-chars" });
});

Deno.test("resolveProfile() throws DeidPolicyError for bad ids and options", () => {
  assert.throws(
    () => resolveProfile("ps315-basic", ["retain-everything"]),
    (e) =>
      e instanceof DeidPolicyError && /retain-everything/.test(e.message) &&
      /retain-uids/.test(e.message),
  );
  assert.throws(
    () => resolveProfile("hipaa"),
    (e) => e instanceof DeidPolicyError && /ps315-basic/.test(e.message),
  );
  assert.throws(() => resolveProfile("kitware-2024b", ["retain-uids"]), DeidPolicyError);
  assert.throws(
    () => resolveProfile("ps315-basic", ["retain-long-full-dates", "retain-long-modified-dates"]),
    DeidPolicyError,
  );
});

Deno.test("resolveProfile() accepts aliases and normalises option order", () => {
  assert.equal(resolveProfile("kitware-2023").id, "dicomfields_2023");
  assert.equal(resolveProfile("kitware-2024b").id, "dicomfields_2024b");
  assert.equal(resolveProfile("kitware-2024b").actionFor(0x00100020)?.code, "Z/D");
  assert.throws(() => resolveProfile("toString"), DeidPolicyError);
  assert.throws(() => resolveProfile("ps315-basic", ["constructor"]), DeidPolicyError);
  const p = resolveProfile("ps315-basic", ["clean-graphics", "retain-uids", "retain-uids"]);
  assert.deepEqual(p.options, ["retain-uids", "clean-graphics"]);
});

Deno.test("actionFor() includes the 2026d rows in ps315-basic", () => {
  assert.equal(action("ps315-basic", tag(0x0010, 0x0011))?.code, "X");
  assert.equal(action("ps315-basic", tag(0x0070, 0x0006))?.code, "D");
  assert.equal(action("ps315-basic", tag(0x300a, 0x0054))?.code, "U");
  assert.equal(action("ps315-basic", tag(0x300a, 0x0054), ["retain-uids"])?.code, "K");
  assert.equal(action("ps315-basic", tag(0x0040, 0xb020))?.code, "X/D");
  assert.equal(action("dicomfields_2024b", tag(0x0010, 0x0011)), undefined);
  const delta = BASIC_PROFILE_ROWS.filter((r) => r[5] === "2026d").map((r) => r[0]);
  assert.equal(delta.length, 36);
  assert.ok(delta.includes("(0010,0011)") && delta.includes("(0070,0006)"));
});

Deno.test("allTags() counts equal the ps315 JSON files", () => {
  assert.equal(resolveProfile("dicomfields_2023").allTags().length, 609);
  assert.equal(resolveProfile("dicomfields_2024b").allTags().length, 620);
  assert.equal(resolveProfile("ps315-basic").allTags().length, 620 + 36);
  const sizes = Object.fromEntries(Object.entries(KITWARE_2024B).map(([g, l]) => [g, l.length]));
  assert.deepEqual(sizes, {
    D_TAGS: 92,
    Z_TAGS: 42,
    X_TAGS: 383,
    U_TAGS: 54,
    Z_D_TAGS: 6,
    X_Z_TAGS: 11,
    X_D_TAGS: 22,
    X_Z_D_TAGS: 8,
    X_Z_U_STAR_TAGS: 2,
  });
});

Deno.test("BASIC_PROFILE_ROWS option counts equal the 2024b table (README counts)", () => {
  const rows = BASIC_PROFILE_ROWS.filter((r) => r[5] === "2024b");
  const count = (col: string, code: string) =>
    rows.filter((r) => r[4][OPTION_COLUMNS.indexOf(col as never)] === code).length;
  assert.equal(count("rtn_uids", "K"), 59);
  assert.equal(count("rtn_dev_id", "K"), 46);
  assert.equal(count("rtn_dev_id", "C"), 11);
  assert.equal(count("rtn_long_full_dates", "K"), 165);
  assert.equal(count("rtn_long_modif_dates", "C"), 165);
  assert.equal(count("clean_desc", "C"), 125);
  assert.equal(rows.filter((r) => r[3] === "X").length, 383); // 384 with the private row
});

Deno.test("actionFor() of dicomfields_2024b agrees with every 2024b Table E.1-1 row", () => {
  const kitware = resolveProfile("dicomfields_2024b");
  for (const [row, , , basic, , edition] of BASIC_PROFILE_ROWS) {
    if (edition !== "2024b") continue;
    assert.equal(kitware.actionFor(compileTagPattern(row).value)?.code, basic, row);
  }
});

Deno.test("codes() claims 113100 plus one CID 7050 code per option", () => {
  assert.deepEqual(resolveProfile("dicomfields_2023").codes(), [
    { value: "113100", scheme: "DCM", meaning: "Basic Application Confidentiality Profile" },
  ]);
  const codes = resolveProfile("ps315-basic", ["clean-descriptors", "retain-uids"]).codes();
  assert.deepEqual(codes.map((c) => c.value), ["113100", "113110", "113105"]);
  assert.equal(codes[2].meaning, "Clean Descriptors Option");
});

Deno.test("privateRow is X, or C under retain-safe-private, and absent for Kitware", () => {
  const plain = resolveProfile("ps315-basic").privateRow;
  assert.equal(plain?.row, "(gggg,eeee) where gggg is odd");
  assert.equal(plain?.action.code, "X");
  assert.deepEqual(plain?.options, { "retain-safe-private": "C" });
  const safe = resolveProfile("ps315-basic", ["retain-safe-private"]).privateRow;
  assert.deepEqual(safe?.action, {
    code: "C",
    row: "(gggg,eeee) where gggg is odd",
    column: "retain-safe-private",
  });
  assert.equal(resolveProfile("dicomfields_2024b").privateRow, undefined);
});
