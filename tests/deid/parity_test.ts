// Proof 2: the reference tool's behaviours (its README examples and tests), on synthetic bytes.
import assert from "node:assert/strict";
import { DeidSkipError, parseRuleArgs, parseRulesDictionary } from "../../core/deid/mod.ts";
import { mapUid } from "../../core/deid/uid.ts";
import { EXPLICIT_VR_LE } from "../../core/dicom/transfer_syntax.ts";
import {
  concat,
  explicit,
  explicitHeader,
  item,
  ITEM_END,
  part10,
  SEQ_END,
} from "../fixtures/build.ts";
import { anonymizeBytes, TEST_KEY } from "../support/anonymize_tree.ts";
import { flatten } from "../support/flat_dataset.ts";
import { corpusPath } from "../support/manifest.ts";

/** A small dataset with PHI at the top, in a nested sequence and in a private block. */
const INPUT = part10(
  EXPLICIT_VR_LE,
  explicit(0x00080018, "UI", "1.2.826.0.1.3680043.2.1143.1\0"),
  explicit(0x00080020, "DA", "20080701"), // StudyDate (Z)
  explicit(0x00080050, "SH", "ACC12345"),
  concat([
    explicitHeader(0x00081110, "SQ", 0xffffffff), // ReferencedStudySequence (X/Z: emptied)
    item(0xffffffff, explicit(0x00081155, "UI", "1.2.3.4.5.6\0"), ITEM_END),
    SEQ_END,
  ]),
  concat([
    explicitHeader(0x00081140, "SQ", 0xffffffff), // ReferencedImageSequence (X/Z/U*)
    item(
      0xffffffff,
      explicit(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.2\0"), // a SOP Class: never mapped
      explicit(0x00081155, "UI", "1.2.3.4.5.7\0"), // a SOP Instance: mapped
      concat([
        explicitHeader(0x0040a730, "SQ", 0xffffffff), // ContentSequence, nested deeper
        item(0xffffffff, explicit(0x0040a123, "PN", "NESTED^PERSON "), ITEM_END),
        SEQ_END,
      ]),
      ITEM_END,
    ),
    SEQ_END,
  ]),
  explicit(0x00100010, "PN", "DOE^JOHN"),
  explicit(0x00100020, "LO", "PID-0042"),
  explicit(0x00100030, "DA", "19700101"),
  explicit(0x20010010, "LO", "Philips Imaging DD 001 "),
  explicit(0x20011001, "LO", "PRIVATE PHI "),
  explicit(0x20011101, "LO", "OTHER PRIVATE"),
);

const text = (out: Uint8Array, path: string) => flatten(out).get(path)?.text;
const has = (out: Uint8Array, path: string) => flatten(out).has(path);

Deno.test("anonymize() default: names emptied, dates replaced, UIDs mapped, private removed", () => {
  const out = anonymizeBytes(INPUT, {});
  assert.equal(text(out, "00100010"), "");
  assert.equal(text(out, "00080050"), "");
  assert.equal(text(out, "00080018"), mapUid("1.2.826.0.1.3680043.2.1143.1", TEST_KEY));
  assert.equal(flatten(out).get("00081110")?.vr, "SQ");
  assert.equal(has(out, "00081110[0].00081155"), false, "X/Z sequence emptied");
  assert.equal(text(out, "00081140[0].00081155"), mapUid("1.2.3.4.5.7", TEST_KEY));
  assert.equal(text(out, "00081140[0].00081150"), "1.2.840.10008.5.1.4.1.1.2");
  assert.equal(has(out, "20011001"), false);
  assert.equal(has(out, "20010010"), false, "creator goes with its block");
  assert.equal(text(out, "00120062"), "YES");
  assert.equal(text(out, "00120064[0].00080100"), "113100");
});

Deno.test("anonymize() applies the profile at every depth of nested sequences", () => {
  const out = anonymizeBytes(INPUT, {});
  const nested = text(out, "00081140[0].0040A730[0].0040A123");
  assert.notEqual(nested, "NESTED^PERSON");
  assert.ok(nested !== undefined, "PersonName (D) is replaced, not dropped");
});

Deno.test("anonymize() -t PatientID keep keeps it and stops claiming identity removed", () => {
  const out = anonymizeBytes(INPUT, {
    rules: [parseRuleArgs(["(0x0010, 0x0020)", "keep"], "-t #1")],
  });
  assert.equal(text(out, "00100020"), "PID-0042");
  assert.equal(text(out, "00120062"), "NO");
  assert.equal(has(out, "00120064[0].00080100"), false, "no 113100 with a user keep");
});

Deno.test("anonymize() -t StudyDate regexp rewrites the date as the README example", () => {
  const rule = parseRuleArgs(["(0x0008, 0x0020)", "regexp", "0701$", "0000"], "-t #1");
  assert.equal(text(anonymizeBytes(INPUT, { rules: [rule] }), "00080020"), "20080000");
});

Deno.test("anonymize() -t PatientName replace_with_value sets the value", () => {
  const rule = parseRuleArgs(["(0x0010, 0x0010)", "replace_with_value", "new_value"], "-t #1");
  assert.equal(text(anonymizeBytes(INPUT, { rules: [rule] }), "00100010"), "new_value");
});

Deno.test("anonymize() masked private range keeps the block and its creator only", () => {
  const rule = parseRuleArgs(["(0x2001, 0x1001, 0xFFFF, 0xFF00)", "keep"], "-t #1");
  const out = anonymizeBytes(INPUT, { rules: [rule] });
  assert.equal(text(out, "20011001"), "PRIVATE PHI");
  assert.equal(text(out, "20010010"), "Philips Imaging DD 001");
  assert.equal(has(out, "20011101"), false, "another block of the group is still removed");
});

Deno.test("anonymize() keepPrivateTags keeps every private element", () => {
  const out = anonymizeBytes(INPUT, { keepPrivateTags: true });
  assert.equal(text(out, "20011001"), "PRIVATE PHI");
  assert.equal(text(out, "20011101"), "OTHER PRIVATE");
  assert.equal(text(out, "00120062"), "NO");
});

Deno.test("anonymize() dictionary file rules work as -t rules", () => {
  const rules = parseRulesDictionary(
    JSON.stringify({
      "(0x0010, 0x0020)": "keep",
      "(0x0008, 0x0020)": { action: "regexp", find: "0701$", replace: "0000" },
      "(0x0010, 0x0010)": { action: "replace_with_value", value: "ANON" },
    }),
    "rules.json",
  );
  const out = anonymizeBytes(INPUT, { rules });
  assert.equal(text(out, "00100020"), "PID-0042");
  assert.equal(text(out, "00080020"), "20080000");
  assert.equal(text(out, "00100010"), "ANON");
});

Deno.test("anonymize() delete on a date really deletes it (the reference replaces dates)", () => {
  const rule = parseRuleArgs(["(0x0010, 0x0030)", "delete"], "-t #1");
  assert.equal(has(anonymizeBytes(INPUT, { rules: [rule] }), "00100030"), false);
});

Deno.test("anonymize() empty on a sequence leaves it with no items", () => {
  const rule = parseRuleArgs(["(0x0008, 0x1140)", "empty"], "-t #1");
  const out = anonymizeBytes(INPUT, { rules: [rule] });
  assert.equal(flatten(out).get("00081140")?.vr, "SQ");
  assert.equal(has(out, "00081140[0].00081150"), false);
});

Deno.test("anonymize() refuses a DICOMDIR with the reference's advice", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__DICOMDIR"));
  assert.throws(
    () => anonymizeBytes(bytes, {}),
    (e) => e instanceof DeidSkipError && e.reason === "dicomdir",
  );
});

Deno.test("anonymize() is deterministic: same input and key, same bytes", () => {
  assert.deepEqual(anonymizeBytes(INPUT, {}), anonymizeBytes(INPUT, {}));
});
