import assert from "node:assert/strict";
import { FAILURE } from "./stow.ts";
import { storeInstancesResponse } from "./stow_response.ts";

Deno.test("storeInstancesResponse() writes PS3.18 DICOM JSON in tag order", () => {
  const json = storeInstancesResponse({
    stored: [{ part: 1, path: "00001.dcm", sopClassUid: "1.2.3", sopInstanceUid: "2.25.9" }],
    failed: [{ part: 2, reason: FAILURE.cannotUnderstand }],
    retrieveUrl: "http://h/api/batches/b/zip",
    fileUrl: (p) => `http://h/api/batches/b/files/${p}`,
  });
  assert.deepEqual(Object.keys(json), ["00081190", "00081198", "00081199"]);
  assert.deepEqual(json, {
    "00081190": { vr: "UR", Value: ["http://h/api/batches/b/zip"] },
    "00081198": {
      vr: "SQ",
      Value: [{
        "00081150": { vr: "UI" },
        "00081155": { vr: "UI" },
        "00081197": { vr: "US", Value: [0xc000] },
      }],
    },
    "00081199": {
      vr: "SQ",
      Value: [{
        "00081150": { vr: "UI", Value: ["1.2.3"] },
        "00081155": { vr: "UI", Value: ["2.25.9"] },
        "00081190": { vr: "UR", Value: ["http://h/api/batches/b/files/00001.dcm"] },
        "00081196": { vr: "US", Value: [0xb000] },
      }],
    },
  });
});

Deno.test("storeInstancesResponse() leaves out empty sequences and a missing batch URL", () => {
  const json = storeInstancesResponse({ stored: [], failed: [], fileUrl: (p) => p });
  assert.deepEqual(json, {});
});
