import assert from "node:assert/strict";
import { scrubPath } from "./scrub_path.ts";

const key = new TextEncoder().encode("0123456789abcdef");
const removed = (t: string) => ["MRN3559160", "DOE", "JOHN", "DOE^JOHN"].includes(t.toUpperCase());

Deno.test("scrubPath() replaces folders named after removed values, keeps the rest", () => {
  const out = scrubPath("MRN3559160/ST01/SE01/IM0001.dcm", removed, key);
  assert.match(out, /^anon-[0-9a-f]{12}\/ST01\/SE01\/IM0001\.dcm$/);
});

Deno.test("scrubPath() catches a value inside a component and keeps the extension", () => {
  assert.match(scrubPath("scans/doe_john_ct.dcm", removed, key), /^scans\/anon-[0-9a-f]{12}\.dcm$/);
});

Deno.test("scrubPath() maps the same component to the same name (folders stay together)", () => {
  const a = scrubPath("MRN3559160/IM1.dcm", removed, key).split("/")[0];
  const b = scrubPath("MRN3559160/IM2.dcm", removed, key).split("/")[0];
  assert.equal(a, b);
  const other = scrubPath(
    "MRN3559160/IM1.dcm",
    removed,
    new TextEncoder().encode("another-key-0123"),
  );
  assert.notEqual(other.split("/")[0], a, "keyed: another key, another name");
});

Deno.test("scrubPath() leaves paths without removed values untouched", () => {
  assert.equal(scrubPath("study/extra/CT_small.dcm", removed, key), "study/extra/CT_small.dcm");
});
