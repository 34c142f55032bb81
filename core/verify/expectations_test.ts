import assert from "node:assert/strict";
import { elementDemand, judgedVr, profileRows, sequenceDemand } from "./expectations.ts";
import { canonicalProfile } from "./profiles.ts";

const rows = (id: string, options: string[] = []) => profileRows(canonicalProfile(id, options));

Deno.test("profileRows() reads the Kitware groups of each edition", () => {
  assert.deepEqual(rows("dicomfields_2023")(0x00100010), { code: "Z", row: "(0010,0010)" });
  assert.equal(rows("dicomfields_2023")(0x00080018)?.code, "U");
  assert.equal(rows("kitware-2024b")(0x00101010)?.code, "X");
  assert.equal(rows("dicomfields_2023")(0x00280010), undefined, "Rows is not in the profile");
  assert.equal(rows("dicomfields_2023")(0x60023000)?.row, "(60xx,3000)");
});

Deno.test("profileRows() applies the option columns of Table E.1-1, K over C", () => {
  assert.equal(rows("ps315-basic")(0x00100040)?.code, "Z"); // PatientSex
  assert.equal(rows("ps315-basic", ["retain-patient-chars"])(0x00100040)?.code, "K");
  assert.equal(rows("ps315-basic", ["retain-uids"])(0x00080018)?.code, "K");
  assert.equal(rows("ps315-basic", ["retain-long-modified-dates"])(0x00080020)?.code, "C");
  // DateOfLastCalibration: device K and modified-dates C on one row; K wins.
  const both = rows("ps315-basic", ["retain-device-id", "retain-long-modified-dates"]);
  assert.equal(both(0x00181200)?.code, "K");
});

Deno.test("profileRows() limits minimal to direct identifiers", () => {
  const minimal = rows("minimal");
  assert.equal(minimal(0x00100010)?.code, "Z");
  assert.equal(minimal(0x00080090)?.code, "Z", "ReferringPhysicianName is a PN");
  assert.equal(minimal(0x00080018), undefined, "UIDs are kept");
  assert.equal(minimal(0x00080020), undefined, "dates are kept");
  assert.equal(minimal(0x00080080), undefined, "institution is kept");
});

Deno.test("elementDemand() reads each code for UI and other VRs", () => {
  const table: [string, string, string][] = [
    ["X", "absent", "absent"],
    ["Z", "empty", "empty"],
    ["X/Z", "empty", "empty"],
    ["X/Z/U*", "empty", "new-uid"],
    ["D", "any", "new-uid"],
    ["U", "any", "new-uid"],
    ["Z/D", "any", "new-uid"],
    ["X/D", "any", "new-uid"],
    ["X/Z/D", "any", "new-uid"],
    ["C", "any", "new-uid"],
    ["K", "any", "any"],
  ];
  for (const [code, other, uid] of table) {
    assert.equal(elementDemand(code, false), other, code);
    assert.equal(elementDemand(code, true), uid, `${code} UI`);
  }
});

Deno.test("sequenceDemand() removes X, empties Z and X/Z, checks inside the rest", () => {
  assert.equal(sequenceDemand("X"), "absent");
  assert.equal(sequenceDemand("Z"), "empty");
  assert.equal(sequenceDemand("X/Z"), "empty");
  for (const code of ["D", "U", "X/D", "X/Z/D", "X/Z/U*", "C", "K"]) {
    assert.equal(sequenceDemand(code), "any", code);
  }
});

Deno.test("judgedVr() reads a UN by its dictionary VR", () => {
  assert.equal(judgedVr(0x00080018, "UN"), "UI");
  assert.equal(judgedVr(0x00081115, "UN"), "SQ");
  assert.equal(judgedVr(0x00080018, "LO"), "LO");
});
