import assert from "node:assert/strict";
import { minimalRows } from "../deid/minimal.ts";
import { BASIC_PROFILE_ROWS } from "../deid/tables/basic_profile.ts";
import { isMinimalRow } from "./minimal_rows.ts";

Deno.test("isMinimalRow() selects the same rows as the engine's minimal profile", () => {
  // verify's list is written from the README; the engine's from its own code. If they drift,
  // one of them no longer does what the README says.
  const ours = BASIC_PROFILE_ROWS.filter(([row, keyword]) => isMinimalRow(row, keyword))
    .map(([row]) => row);
  const engine = minimalRows().map(([row]) => row);
  assert.deepEqual(ours, engine);
  assert.ok(ours.length > 100, `${ours.length} rows`);
});
