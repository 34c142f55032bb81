import assert from "node:assert/strict";
import { createDeidentifier } from "./engine.ts";
import { dayShift, shiftDate } from "./dates.ts";
import { parseRuleArgs } from "./rules.ts";
import { EXPLICIT_VR_LE } from "../dicom/transfer_syntax.ts";
import {
  concat,
  explicit,
  implicit,
  item,
  ITEM_END,
  part10,
  SEQ_END,
} from "../../tests/fixtures/build.ts";
import { anonymizeBytes, TEST_KEY } from "../../tests/support/anonymize_tree.ts";
import { flatten } from "../../tests/support/flat_dataset.ts";
import { parseJoined } from "../../tests/support/run_codec.ts";

const tagsInOrder = (bytes: Uint8Array) =>
  parseJoined(bytes, 0).flatMap((
    e,
  ) => (e.kind === "element" || e.kind === "sequenceStart" ? [e.tag] : []));

Deno.test("DeidentifyStage() inserts (0012,0062-0064) in tag order", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00100010, "PN", "A^B "),
    explicit(0x00200010, "SH", "S1"),
  );
  const tags = tagsInOrder(anonymizeBytes(input, {})).filter((t) => t > 0x0002ffff);
  const sorted = [...tags].sort((a, b) => a - b);
  const topLevel = tags.filter((t) => t === 0x00100010 || t === 0x00120062 || t === 0x00200010);
  assert.deepEqual(topLevel, [0x00100010, 0x00120062, 0x00200010]);
  assert.ok(sorted.includes(0x00120064));
});

Deno.test("DeidentifyStage() replaces an input's own (0012,0062) instead of doubling it", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00120062, "CS", "NO"),
    explicit(0x00200010, "SH", "S1"),
  );
  const tags = tagsInOrder(anonymizeBytes(input, {}));
  assert.equal(tags.filter((t) => t === 0x00120062).length, 1);
  assert.equal(flatten(anonymizeBytes(input, {})).get("00120062")?.text, "YES");
});

Deno.test("DeidentifyStage() shifts dates by the patient's keyed offset and marks MODIFIED", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00080020, "DA", "20200315"), // StudyDate comes before PatientID: needs lookahead
    explicit(0x00100020, "LO", "PAT-7 "),
  );
  const out = flatten(
    anonymizeBytes(input, { profile: "ps315-basic", options: ["retain-long-modified-dates"] }),
  );
  assert.equal(out.get("00080020")?.text, shiftDate("20200315", dayShift(TEST_KEY, "PAT-7")));
  assert.notEqual(out.get("00080020")?.text, "20200315");
  assert.equal(out.get("00280303")?.text, "MODIFIED");
});

Deno.test("DeidentifyStage() keeps dates with retain-long-full-dates and says UNMODIFIED", () => {
  const input = part10(EXPLICIT_VR_LE, explicit(0x00080020, "DA", "20200315"));
  const out = flatten(
    anonymizeBytes(input, { profile: "ps315-basic", options: ["retain-long-full-dates"] }),
  );
  assert.equal(out.get("00080020")?.text, "20200315");
  assert.equal(out.get("00280303")?.text, "UNMODIFIED");
});

Deno.test("DeidentifyStage() regexp works on UTF-8 text and writes it back in the dataset's charset", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00080005, "CS", "ISO_IR 192"),
    explicit(0x00081030, "LO", new TextEncoder().encode("Schädel MÜLLER ")),
  );
  const rule = parseRuleArgs(["StudyDescription", "regexp", "MÜLLER", "X"], "-t #1");
  const out = flatten(anonymizeBytes(input, { rules: [rule] }));
  assert.equal(new TextDecoder().decode(out.get("00081030")!.bytes!).trim(), "Schädel X");
});

Deno.test("DeidentifyStage() removes a sequence hidden in a defined-length UN value", () => {
  // (0008,1115) ReferencedSeriesSequence written as UN: its items cannot be inspected.
  const hidden = concat([item(0xffffffff, implicit(0x0020000e, "1.2.3\0"), ITEM_END), SEQ_END]);
  const input = part10(EXPLICIT_VR_LE, explicit(0x00081115, "UN", hidden));
  const job = createDeidentifier({ key: TEST_KEY }).start();
  const out = flatten(concat([...job.pipeline.push(input), ...job.pipeline.finish()]));
  assert.equal(out.has("00081115"), false);
  assert.ok(job.report().notes?.some((n) => n.startsWith("(0008,1115)")));
});

Deno.test("DeidentifyStage() with retain-safe-private keeps safe elements and only their creator", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00190010, "LO", "GEMS_ACQU_01"), // block 10: safe elements per Table E.3.10-1
    explicit(0x00190011, "LO", "UNKNOWN_VENDOR"), // block 11: nothing safe
    explicit(0x00191023, "DS", "1 "), // (0019,xx23) GEMS_ACQU_01: Table speed (safe)
    explicit(0x00191101, "LO", "PHI IN PRIVATE "),
  );
  const out = flatten(
    anonymizeBytes(input, { profile: "ps315-basic", options: ["retain-safe-private"] }),
  );
  assert.equal(out.get("00190010")?.text, "GEMS_ACQU_01");
  assert.equal(out.get("00191023")?.text, "1");
  assert.equal(out.has("00190011"), false);
  assert.equal(out.has("00191101"), false);
});

Deno.test("DeidentifyStage() always removes illegal groups 0001-0007", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00030010, "LO", "X"),
    explicit(0x00100010, "PN", "A"),
  );
  assert.equal(flatten(anonymizeBytes(input, { keepPrivateTags: true })).has("00030010"), false);
});

Deno.test("DeidentifyStage() report counts actions by tag and never holds a value", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00100010, "PN", "SECRET^NAME "),
    explicit(0x00100020, "LO", "PID77"),
  );
  const job = createDeidentifier({ key: TEST_KEY }).start();
  job.pipeline.push(input);
  job.pipeline.finish();
  const report = job.report();
  const text = JSON.stringify(report);
  assert.doesNotMatch(text, /SECRET|PID77/);
  assert.ok(
    report.tags.some((t) =>
      t.tag === "(0010,0010)" && t.keyword === "PatientName" && t.action === "empty"
    ),
  );
  assert.equal(job.wasRemoved("secret"), true);
  assert.equal(job.wasRemoved("PID77"), true);
});

Deno.test("DeidentifyStage() zeroes the preamble and rewrites File Meta's instance UID", () => {
  const input = part10(EXPLICIT_VR_LE, explicit(0x00080018, "UI", "1.2.3.4\0"));
  input.fill(0x41, 0, 128); // a preamble full of 'A'
  const out = anonymizeBytes(input, {});
  assert.deepEqual(out.subarray(0, 128), new Uint8Array(128));
  const flat = flatten(out);
  assert.equal(flat.get("00020003")?.text, flat.get("00080018")?.text);
  assert.match(flat.get("00020003")!.text, /^2\.25\./);
});
