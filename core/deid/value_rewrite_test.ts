import assert from "node:assert/strict";
import type { ElementEvent } from "../dicom/events.ts";
import { padUid } from "../dicom/file_meta.ts";
import { latin1String } from "../dicom/latin1.ts";
import type { Vr } from "../dicom/vr.ts";
import { dayShift, shiftDate } from "./dates.ts";
import { dummyValue } from "./dummy.ts";
import { DeidPolicyError } from "./errors.ts";
import { LevelStack } from "./levels.ts";
import type { Decision } from "./policy.ts";
import { RemovedValues } from "./removed_values.ts";
import { ReportBuilder } from "./report.ts";
import { mapUid, UidMapper } from "./uid.ts";
import { ValueRewriter } from "./value_rewrite.ts";
import { findElement } from "../../tests/support/find_element.ts";
import { TEST_KEY } from "../../tests/support/anonymize_tree.ts";

const CT = Deno.readFileSync(
  new URL("../../tests/fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);
const PROFILE: Decision = { action: { name: "replace" }, source: "profile" };

function setup() {
  const report = new ReportBuilder();
  const removed = new RemovedValues();
  const levels = new LevelStack();
  const written: { tag: number; vr: Vr; text: string }[] = [];
  const rewriter = new ValueRewriter({
    key: TEST_KEY,
    uids: new UidMapper(TEST_KEY),
    report,
    removed,
    levels,
    write: (ev, vr, bytes) => written.push({ tag: ev.tag, vr, text: latin1String(bytes) }),
  });
  return { report, removed, levels, written, rewriter };
}
const element = (tag: number, vr: Vr, value: Uint8Array): ElementEvent => ({
  kind: "element",
  tag,
  vr,
  length: value.length,
  offset: 0x100,
});

Deno.test("ValueRewriter.produce() maps a real SOP Instance UID and reports it at the top only", () => {
  const bytes = findElement(CT, 0x00080018)!;
  const mapped = mapUid(latin1String(bytes).replace(/\0$/, ""), TEST_KEY);
  const top = setup();
  top.rewriter.produce("uid", element(0x00080018, "UI", bytes), "UI", bytes, PROFILE, true);
  assert.deepEqual(top.written, [{
    tag: 0x00080018,
    vr: "UI",
    text: latin1String(padUid(mapped)),
  }]);
  assert.equal(top.report.sopInstanceUid, mapped);
  assert.equal(top.removed.has(latin1String(bytes)), false, "a UID is mapped, not lost");
  const nested = setup();
  nested.levels.enterSequence(0x00081140);
  nested.levels.enterItem();
  nested.rewriter.produce("uid", element(0x00080018, "UI", bytes), "UI", bytes, PROFILE, false);
  assert.equal(nested.written[0].text, latin1String(padUid(mapped)));
  assert.equal(nested.report.sopInstanceUid, undefined);
});

Deno.test("ValueRewriter.produce() shifts a real study date by the patient's keyed offset", () => {
  const date = findElement(CT, 0x00080020)!;
  const patientId = latin1String(findElement(CT, 0x00100020)!).trim();
  const { rewriter, written, report } = setup();
  rewriter.patientId = patientId;
  rewriter.produce("shift", element(0x00080020, "DA", date), "DA", date, PROFILE, true);
  const expected = shiftDate(latin1String(date).trim(), dayShift(TEST_KEY, patientId))!;
  assert.equal(written[0].text, expected);
  assert.notEqual(expected, latin1String(date).trim());
  const bad = new TextEncoder().encode("LAST YEAR ");
  rewriter.produce("shift", element(0x00080021, "DA", bad), "DA", bad, PROFILE, true);
  assert.equal(written[1].text, "");
  assert.deepEqual(report.notes, ["(0008,0021): unreadable date emptied"]);
});

Deno.test("ValueRewriter.produce() writes a dummy and remembers the real name it replaced", () => {
  const name = findElement(CT, 0x00100010)!;
  const tracked = setup();
  tracked.rewriter.produce("dummy", element(0x00100010, "PN", name), "PN", name, PROFILE, true);
  assert.equal(tracked.written[0].text, latin1String(dummyValue("PN", true)));
  assert.ok(tracked.removed.has(latin1String(name)));
  const untracked = setup();
  untracked.rewriter.produce("dummy", element(0x00100010, "PN", name), "PN", name, PROFILE, false);
  assert.equal(untracked.removed.has(latin1String(name)), false);
});

Deno.test("ValueRewriter.produce() runs a regexp on decoded text and writes it in the level's set", () => {
  const { rewriter, levels, written } = setup();
  levels.current.charsets = ["ISO_IR 100"];
  const value = Uint8Array.from("Schädel MÜLLER", (c) => c.charCodeAt(0)); // ISO 8859-1
  const decision: Decision = {
    action: { name: "regexp", find: "MÜLLER", replace: "X" },
    source: "user",
  };
  rewriter.produce("regexp", element(0x00081030, "LO", value), "LO", value, decision, false);
  assert.equal(written[0].text, "Schädel X ", "Latin-1 bytes, padded to even length");
});

Deno.test("ValueRewriter.custom() gives the rule decoded text and its path, and applies its answer", () => {
  const { rewriter, levels, written, removed } = setup();
  levels.enterSequence(0x00081140);
  levels.enterItem();
  const seen: string[] = [];
  const answers: (string | undefined)[] = ["NEW", undefined, "delete", "regexp"];
  const decision: Decision = {
    action: {
      name: "custom",
      fn: (e) => (seen.push(`${e.path} ${e.keyword} ${e.vr} ${e.value}`), answers.shift()),
    },
    source: "user",
  };
  const value = new TextEncoder().encode("OLD ");
  const ev = element(0x00081030, "UN", value);
  rewriter.custom(ev, "LO", value, decision, true);
  rewriter.custom(ev, "LO", value, decision, true);
  rewriter.custom(ev, "LO", value, decision, true);
  assert.throws(
    () => rewriter.custom(ev, "LO", value, decision, true),
    (e) => e instanceof DeidPolicyError && e.message.includes('(0008,1030) returned "regexp"'),
  );
  assert.deepEqual(seen[0], "(0008,1140)[0] StudyDescription LO OLD");
  assert.deepEqual(written, [
    { tag: 0x00081030, vr: "LO", text: "NEW " },
    { tag: 0x00081030, vr: "UN", text: "OLD " }, // kept as it came, VR and all
  ]);
  assert.ok(removed.has("OLD"), "replaced and deleted values are remembered");
});
