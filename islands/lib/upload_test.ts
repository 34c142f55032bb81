import assert from "node:assert/strict";
import { fileUrl, outcomeOf } from "./upload.ts";

Deno.test("outcomeOf() maps the batch PUT answers to states with plain reasons", () => {
  assert.deepEqual(outcomeOf(201, '{"file":{"status":"done"}}'), { state: "done" });
  assert.deepEqual(
    outcomeOf(
      415,
      '{"error":"Not DICOM: no preamble","file":{"status":"rejected","error":{"message":"Not DICOM: no preamble"}}}',
    ),
    { state: "skipped", reason: "Not a DICOM file" },
  );
  const failed = outcomeOf(
    422,
    '{"error":"x","file":{"error":{"message":"Value length 7 is odd","tag":"(0010,0010)","offset":420}}}',
  );
  assert.equal(failed.state, "failed");
  assert.equal(
    failed.reason,
    "Damaged or unsupported DICOM: Value length 7 is odd (tag (0010,0010), byte 420)",
  );
  assert.equal(outcomeOf(401, "").reason, "Your session has ended; sign in again");
  assert.equal(outcomeOf(502, "<html>").reason, "Server error (HTTP 502)");
});

Deno.test("fileUrl() encodes each path segment and keeps the slashes", () => {
  assert.equal(fileUrl("b", "a b/c#d/é.dcm"), "/api/batches/b/files/a%20b/c%23d/%C3%A9.dcm");
});
