import assert from "node:assert/strict";
import type { DicomEvent } from "../dicom/events.ts";
import { latin1String } from "../dicom/latin1.ts";
import { DeidSkipError } from "./errors.ts";
import { HeaderGate } from "./header_gate.ts";
import type { IdentityClaim } from "./identity.ts";
import { parseJoined } from "../../tests/support/run_codec.ts";
import { findElement } from "../../tests/support/find_element.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);
const CODES: IdentityClaim["codes"] = [
  { value: "113100", scheme: "DCM", meaning: "Basic Application Confidentiality Profile" },
  { value: "113105", scheme: "DCM", meaning: "Clean Descriptors Option" },
  { value: "113108", scheme: "DCM", meaning: "Retain Patient Characteristics Option" },
];
const CLAIM: IdentityClaim = { removed: true, method: ["test"], codes: CODES };

/** Feeds a real file's events to a gate until it releases the header. */
function holdHeader(name: string, gate: HeaderGate) {
  const file = Deno.readFileSync(new URL(name, CORPUS));
  const events = parseJoined(file, 0);
  for (const [i, ev] of events.entries()) {
    const held = gate.add(ev);
    if (held) return { file, events, held, at: i };
  }
  return { file, events, held: gate.release(), at: events.length - 1 };
}

Deno.test("HeaderGate holds a real header up to Pixel Data, shown to the observer in order", () => {
  const seen: DicomEvent[] = [];
  let ended = false;
  const gate = new HeaderGate({
    headerObserver: { observe: (ev) => seen.push(ev), end: () => ended = true },
  });
  const { file, events, held, at } = holdHeader("pydicom__CT_small.dcm", gate);
  const last = held.at(-1)!;
  assert.ok(last.kind === "element" && last.tag === 0x7fe00010, "released at Pixel Data");
  assert.deepEqual(held, events.slice(0, at + 1));
  assert.deepEqual(seen, held, "the observer saw exactly what was held");
  assert.equal(ended, false);
  assert.equal(gate.holding, false);
  assert.equal(gate.facts.patientId, latin1String(findElement(file, 0x00100020)!).trim());
});

Deno.test("HeaderGate.settle() claims clean codes only for rows the header has, then asks the check", () => {
  const gate = new HeaderGate({
    // 113105 when the header has Patient Name (CT_small has), 113108 when it has a Content
    // Sequence (0040,A730) (it has none).
    cleanCodes: new Map([
      ["113105", (tags: Set<number>) => tags.has(0x00100010)],
      ["113108", (tags: Set<number>) => tags.has(0x0040a730)],
    ]),
    headerCheck: (claim, note) => (note("checked"), { ...claim, removed: false }),
  });
  holdHeader("pydicom__CT_small.dcm", gate);
  const notes: string[] = [];
  const claim = gate.settle(CLAIM, (t) => notes.push(t));
  assert.deepEqual(claim.codes.map((c) => c.value), ["113100", "113105"], "no test: claimed");
  assert.equal(claim.removed, false, "the header check's claim is the one made");
  assert.deepEqual(notes, ["checked"]);
  assert.deepEqual(CLAIM.codes, CODES, "the caller's claim is not changed");
});

Deno.test("HeaderGate.settle() refuses a real DICOMDIR after the input ended while holding", () => {
  let ended = false;
  const gate = new HeaderGate({ headerObserver: { observe: () => {}, end: () => ended = true } });
  holdHeader("pydicom__DICOMDIR", gate);
  assert.equal(ended, true, "no Pixel Data: the header ends with the input");
  assert.throws(
    () => gate.settle(CLAIM, () => {}),
    (e) => e instanceof DeidSkipError && e.reason === "dicomdir",
  );
});
