import assert from "node:assert/strict";
import { DicomParser } from "../dicom/parser.ts";
import { parseRuleArgs } from "../deid/mod.ts";
import {
  explicit,
  explicitHeader,
  item,
  ITEM_END,
  part10,
  SEQ_END,
} from "../../tests/fixtures/build.ts";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { type CheckConfig, DatasetChecker } from "./dataset_checker.ts";
import { profileRows } from "./expectations.ts";
import type { Finding } from "./findings.ts";
import { expectedClaim } from "./identity_check.ts";
import { canonicalProfile } from "./profiles.ts";
import { parseTagMatch, tagMatches } from "./tag_match.ts";

const EXPLICIT_LE = "1.2.840.10008.1.2.1";
const U = 0xffffffff;

/** A checker configuration as verify_run builds it, for a profile and header settings. */
function config(
  profile = "dicomfields_2023",
  opts: { options?: string[]; keepPrivateTags?: boolean; rules?: [string, string][] } = {},
): CheckConfig {
  const choice = canonicalProfile(profile, opts.options ?? []);
  const rules = (opts.rules ?? []).map(([tag, action]) => ({ m: parseTagMatch(tag)!, action }));
  return {
    rows: profileRows(choice),
    privatePolicy: {
      keepPrivateTags: opts.keepPrivateTags ?? false,
      safePrivate: choice.options.includes("retain-safe-private"),
      exempt: (t) => rules.some((r) => tagMatches(r.m, t)),
    },
    claim: expectedClaim(choice, opts.keepPrivateTags ?? false, rules.map((r) => r.action)),
  };
}

/** Runs the checker over whole bytes; returns "check (gggg,eeee)" per finding, and findings. */
function check(bytes: Uint8Array, cfg = config()): { found: string[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const checker = new DatasetChecker("f.dcm", cfg, (f) => findings.push(f));
  const parser = new DicomParser();
  checker.push(parser.push(bytes));
  checker.push(parser.finish());
  checker.finish();
  return { found: findings.map((f) => `${f.check} ${f.tag ?? ""}`.trim()), findings };
}

/** The identity attributes a full-profile output carries. */
const CLAIM_YES = [
  explicit(0x00120062, "CS", "YES "),
  explicitHeader(0x00120064, "SQ", U),
  item(U, explicit(0x00080100, "SH", "113100"), explicit(0x00080102, "SH", "DCM ")),
  ITEM_END,
  SEQ_END,
];

Deno.test("DatasetChecker() judges every depth of a hand-made output", () => {
  const bytes = part10(
    EXPLICIT_LE,
    explicit(0x00030010, "LO", "ILLEGAL "), // group 0003: neither standard nor private
    explicit(0x00080018, "UI", "1.2.3.4\0"), // U, no UID hashes given: counted as skipped
    // ReferencedStudySequence, X/Z: must have no items; its item is still checked inside.
    explicitHeader(0x00081110, "SQ", U),
    item(U, explicit(0x00100010, "PN", "NESTED^NAME ")),
    ITEM_END,
    SEQ_END,
    explicit(0x00081115, "UN", new Uint8Array(8)), // a sequence hidden in a defined-length UN
    // ReferencedImageSequence, X/Z/U*: kept, checked inside.
    explicitHeader(0x00081140, "SQ", U),
    item(U, explicit(0x00081155, "UI", "1.2.3.5\0"), explicit(0x00101010, "AS", "042Y")),
    ITEM_END,
    SEQ_END,
    explicit(0x00100010, "PN", ""), // Z and empty: fine
    // OtherPatientIDsSequence, X: present is a finding, its contents are not looked into.
    explicitHeader(0x00101002, "SQ", U),
    item(U, explicit(0x00100020, "LO", "ID")),
    ITEM_END,
    SEQ_END,
    explicit(0x00110010, "LO", "ACME"), // a creator whose element is not allowed either
    explicit(0x00111001, "LO", "x "),
    ...CLAIM_YES,
  );
  const { found, findings } = check(bytes);
  assert.deepEqual(found, [
    "illegal-group (0003,0010)",
    "attribute-not-empty (0008,1110)",
    "attribute-not-empty (0010,0010)",
    "uninspectable (0008,1115)",
    "attribute-present (0010,1010)",
    "attribute-present (0010,1002)",
    "private-kept (0011,1001)",
    "private-kept (0011,0010)",
  ]);
  // Every offset points at the header of the element named (read back from the bytes).
  for (const f of findings) {
    const at = f.offset!;
    const tag = (bytes[at] | bytes[at + 1] << 8) * 0x10000 + (bytes[at + 2] | bytes[at + 3] << 8);
    assert.equal(
      `(${tag.toString(16).toUpperCase().padStart(8, "0").replace(/^(....)/, "$1,")})`,
      f.tag,
    );
  }
});

Deno.test("DatasetChecker() checks the identity claims against the configuration", () => {
  const yes = part10(EXPLICIT_LE, ...CLAIM_YES);
  assert.deepEqual(check(yes).found, []);
  // The same claim from a run that kept Patient Name is a false claim.
  const kept = config("dicomfields_2023", { rules: [["(0010,0010)", "keep"]] });
  assert.deepEqual(check(yes, kept).found, ["identity (0012,0062)", "identity (0012,0064)"]);
  assert.deepEqual(check(part10(EXPLICIT_LE)).found, [
    "identity (0012,0062)",
    "identity (0012,0064)",
  ]);
  const dates = config("ps315-basic", { options: ["retain-long-modified-dates"] });
  assert.deepEqual(check(yes, dates).found, ["identity (0028,0303)"]);
});

Deno.test("DatasetChecker() passes the engine's output of a corpus file and fails its input", async () => {
  const input = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const before = check(input).found;
  for (
    const expected of [
      "preamble",
      "file-meta (0002,0016)",
      "attribute-not-empty (0010,0010)",
      "attribute-present (0010,1010)",
      "private-kept (0009,1001)",
      "private-kept (0009,0010)",
      "identity (0012,0062)",
    ]
  ) assert.ok(before.includes(expected), expected);
  assert.deepEqual(check(anonymizeBytes(input, {})).found, []);
});

Deno.test("DatasetChecker() exempts what a user rule or keepPrivateTags kept", async () => {
  const input = await Deno.readFile(corpusPath("pydicom__CT_small.dcm"));
  const rules = [parseRuleArgs(["(0010,0010)", "keep"], "-t #1")];
  const keptName = anonymizeBytes(input, { rules });
  assert.deepEqual(check(keptName).found, [
    "attribute-not-empty (0010,0010)",
    "identity (0012,0062)",
    "identity (0012,0064)",
  ]);
  assert.deepEqual(
    check(keptName, config("dicomfields_2023", { rules: [["(0010,0010)", "keep"]] })).found,
    [],
  );
  const keptPrivate = anonymizeBytes(input, { keepPrivateTags: true });
  const found = check(keptPrivate).found;
  assert.ok(
    found.includes("private-kept (0009,1001)") && found.includes("private-kept (0009,0010)"),
  );
  assert.deepEqual(
    check(keptPrivate, config("dicomfields_2023", { keepPrivateTags: true })).found,
    [],
  );
  // A masked rule keeps one private block: its creator stays with it, the rest must go.
  const block = [parseRuleArgs(["(0x0009, 0x1000, 0xFFFF, 0xFF00)", "keep"], "-t #1")];
  const keptBlock = anonymizeBytes(input, { rules: block });
  const exempt = config("dicomfields_2023", {
    rules: [["(0x0009, 0x1000, 0xFFFF, 0xFF00)", "keep"]],
  });
  assert.ok(check(keptBlock).found.includes("private-kept (0009,1001)"), "the block was kept");
  assert.deepEqual(check(keptBlock, exempt).found, []);
});
