import assert from "node:assert/strict";
import {
  BASIC_PROFILE_ROWS,
  BASIC_PROFILE_SOURCE,
  PRIVATE_ATTRIBUTES_ROW,
} from "../core/deid/tables/basic_profile.ts";
import { KITWARE_2023, KITWARE_2023_SOURCE } from "../core/deid/tables/kitware_2023.ts";
import { KITWARE_2024B, KITWARE_2024B_SOURCE } from "../core/deid/tables/kitware_2024b.ts";
import {
  basicRowsFromJson,
  checkKitware,
  KITWARE_GROUPS,
  renderBasicProfile,
  renderKitware,
} from "./gen_profiles.ts";

const committed = (name: string) =>
  Deno.readTextFile(new URL(`../core/deid/tables/${name}`, import.meta.url));

Deno.test("renderKitware() reproduces the committed Kitware modules byte for byte", async () => {
  assert.equal(
    renderKitware("KITWARE_2023", KITWARE_2023_SOURCE, KITWARE_2023),
    await committed("kitware_2023.ts"),
  );
  assert.equal(
    renderKitware("KITWARE_2024B", KITWARE_2024B_SOURCE, KITWARE_2024B),
    await committed("kitware_2024b.ts"),
  );
});

Deno.test("renderBasicProfile() reproduces the committed Table E.1-1 module", async () => {
  const text = renderBasicProfile(BASIC_PROFILE_SOURCE, BASIC_PROFILE_ROWS, PRIVATE_ATTRIBUTES_ROW);
  assert.equal(text, await committed("basic_profile.ts"));
});

const option = (over: Record<string, string>) => ({
  rtn_safe_priv: "",
  rtn_uids: "",
  rtn_dev_id: "",
  rtn_inst_id: "",
  rtn_pat_chars: "",
  rtn_long_full_dates: "",
  rtn_long_modif_dates: "",
  clean_desc: "",
  clean_struct_cont: "",
  clean_graph: "",
  ...over,
});

Deno.test("basicRowsFromJson() sorts rows, encodes options and splits off the private row", () => {
  const table = [
    { tag: "(0010,0020)", keyword: "PatientID", name: "Patient ID", basic: "Z/D", ...option({}) },
    { tag: "(gggg,eeee) where gggg is odd", keyword: "", name: "Private Attributes", basic: "X" },
    {
      tag: "(0008,0020)",
      keyword: "StudyDate",
      name: "Study Date",
      basic: "Z",
      ...option({ rtn_long_full_dates: "K", rtn_long_modif_dates: "C" }),
    },
  ];
  const delta = [{
    tag: "(0010,0011)",
    keyword_pydicom: "",
    keyword_as_published_by_source: "PersonNamestoUseSequence",
    basic: "X",
    ...option({}),
  }];
  const { rows, privateRow } = basicRowsFromJson(table, delta);
  assert.deepEqual(rows, [
    ["(0008,0020)", "StudyDate", "Study Date", "Z", "-----KC---", "2024b"],
    ["(0010,0011)", "PersonNamestoUseSequence", "", "X", "----------", "2026d"],
    ["(0010,0020)", "PatientID", "Patient ID", "Z/D", "----------", "2024b"],
  ]);
  assert.equal(privateRow[0], "(gggg,eeee) where gggg is odd");
  assert.throws(() => basicRowsFromJson([{ ...table[0], basic: "K" }, table[1]], []), /basic code/);
  assert.throws(() => basicRowsFromJson([table[0]], []), /private attributes row/);
});

Deno.test("checkKitware() rejects unknown groups and duplicated tags", () => {
  const groups = Object.fromEntries(KITWARE_GROUPS.map((g) => [g, [] as string[]]));
  checkKitware(groups);
  assert.throws(() => checkKitware({ ...groups, K_TAGS: [] }), /unexpected groups/);
  assert.throws(
    () => checkKitware({ ...groups, D_TAGS: ["(0010,0010)"], Z_TAGS: ["(0010,0010)"] }),
    /two Kitware groups/,
  );
  assert.throws(() => checkKitware({ ...groups, D_TAGS: ["(0010,001)"] }), /bad tag pattern/);
});
