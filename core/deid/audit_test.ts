import assert from "node:assert/strict";
import { join } from "node:path";
import { type DeidConfig, parseRuleArgs } from "./mod.ts";
import { createDeidentifier } from "./engine.ts";
import { type AuditAction, type FileAudit, MAX_AUDIT_ACTIONS } from "./audit.ts";
import { compileTagPattern, matchesTagPattern } from "./profile.ts";
import { BASIC_PROFILE_ROWS } from "./tables/basic_profile.ts";
import { chunked } from "../../tests/support/run_codec.ts";
import { explicit, part10 } from "../../tests/fixtures/build.ts";
import { EXPLICIT_VR_LE } from "../dicom/transfer_syntax.ts";
import { makeStudy, TEST_KEY } from "../../tests/support/anonymize_tree.ts";
import { readTreesWithPydicom, type TreeElement } from "../../tests/support/independent_reader.ts";

const corpus = (name: string) => new URL(`../../tests/fixtures/corpus/${name}`, import.meta.url);
const read = (name: string) => Deno.readFileSync(corpus(name));

/** Runs one file through a job with an audit, fed in chunks of `size` (0: whole). */
function auditOf(bytes: Uint8Array, config: Omit<DeidConfig, "key"> = {}, size = 0): FileAudit {
  const job = createDeidentifier({ key: TEST_KEY, ...config }).start({ audit: true });
  for (const chunk of chunked(bytes, size)) job.pipeline.push(chunk);
  job.pipeline.finish();
  return job.audit();
}

const tagNumber = (t: string) => parseInt(t.slice(1, 5) + t.slice(6, 10), 16);
const find = (a: FileAudit, tag: string, path = "") =>
  a.actions.filter((x) => x.tag === tag && x.path === path);

/** The elements of the item a path names, in a pydicom tree (undefined when it does not exist). */
function itemAt(elements: TreeElement[], path: string): TreeElement[] | undefined {
  let here: TreeElement[] | undefined = elements;
  for (const step of path ? path.split(".") : []) {
    const m = /^\((\w{4}),(\w{4})\)\[(\d+)\]$/.exec(step);
    assert.ok(m, `path step ${step}`);
    const seq: TreeElement | undefined = here?.find((e) => e.tag === m[1] + m[2]);
    here = seq && "items" in seq ? seq.items[Number(m[3])] : undefined;
  }
  return here;
}

Deno.test("FileJob.audit() paths name items that pydicom finds holding the tag", async () => {
  const names = [
    "dcmjs__tumor_User1_Manual_Trial1.dcm",
    "dicomparser__CT0012.fragmented_no_bot_jpeg_lossless.57.dcm",
    "pydicom__test-SR.dcm",
    "pydicom__rtplan.dcm",
  ];
  const trees = await readTreesWithPydicom(names.map((n) => corpus(n).pathname));
  const depths = new Set<number>();
  let laterItems = 0;
  for (const name of names) {
    const tree = trees.get(corpus(name).pathname);
    if (tree instanceof Error) throw tree;
    const audit = auditOf(read(name), { profile: "ps315-basic" });
    for (const a of audit.actions.filter((x) => x.path !== "")) {
      const item = itemAt(tree!.elements, a.path);
      assert.ok(item, `${name}: no item at ${a.path}`);
      const tag = a.tag.replace(/[(),]/g, "");
      assert.ok(item.some((e) => e.tag === tag), `${name}: ${a.tag} not in ${a.path}`);
      depths.add(a.path.split(".").length);
      if (/\[[1-9]\d*\]$/.test(a.path)) laterItems++;
    }
  }
  assert.ok([1, 2, 3, 4].every((d) => depths.has(d)), "paths one to four levels deep");
  assert.ok(laterItems > 0, "items after the first are indexed");
  const tumor = auditOf(read(names[0]), { profile: "ps315-basic" });
  assert.ok(find(tumor, "(0008,1155)", "(0008,1115)[0].(0008,114A)[2]").length === 1);
});

Deno.test("FileJob.audit() names the Table E.1-1 row and the option column that decided", () => {
  const options = ["retain-uids", "retain-long-modified-dates", "clean-descriptors"];
  const audit = auditOf(read("pydicom__CT_small.dcm"), { profile: "ps315-basic", options });
  const one = (tag: string) => {
    const [a] = find(audit, tag);
    assert.ok(a, `${tag} recorded`);
    return a;
  };
  assert.deepEqual(one("(0008,0018)"), {
    tag: "(0008,0018)",
    keyword: "SOPInstanceUID",
    path: "",
    action: "keep",
    source: "profile",
    row: "(0008,0018)",
    column: "retain-uids",
  });
  assert.deepEqual(
    [one("(0008,0020)").action, one("(0008,0020)").column],
    ["shift", "retain-long-modified-dates"],
  );
  assert.deepEqual([one("(0008,0030)").action, one("(0008,0030)").column], [
    "keep",
    "retain-long-modified-dates",
  ]);
  assert.deepEqual([one("(0010,0010)").action, one("(0010,0010)").column], ["empty", "basic"]);
  assert.deepEqual([one("(0028,0303)").action, one("(0028,0303)").source], ["value", "option"]);
  assert.deepEqual([one("(0012,0062)").action, one("(0012,0062)").source], ["value", "engine"]);
  // Every profile entry: its row exists in the table, matches the tag, column is one selected.
  const rows = new Set(BASIC_PROFILE_ROWS.map((r) => r[0]));
  const profile = audit.actions.filter((a) => a.source === "profile");
  assert.ok(profile.length > 20, `${profile.length} profile decisions`);
  for (const a of profile) {
    assert.ok(rows.has(a.row!), `${a.row} is a table row`);
    assert.ok(matchesTagPattern(compileTagPattern(a.row!), tagNumber(a.tag)), a.tag);
    assert.ok(["basic", ...options].includes(a.column!), a.column);
  }
  for (const a of audit.actions.filter((x) => x.source !== "profile")) {
    assert.equal(a.row, undefined);
    assert.equal(a.column, undefined);
  }
});

Deno.test("FileJob.audit() keeps a masked row as the table spells it", () => {
  const overlays = auditOf(read("pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm"), {
    profile: "ps315-basic",
  });
  const [overlay] = find(overlays, "(6000,3000)");
  assert.equal(overlay.row, "(60xx,3000)");
  const curves = auditOf(read("fodicom__HasFragmentSequence.dcm"), { profile: "ps315-basic" });
  const curve = curves.actions.filter((a) => a.tag.startsWith("(50"));
  assert.ok(curve.length > 0);
  assert.ok(curve.every((a) => a.row === "(50xx,xxxx)" && a.action === "delete"));
});

Deno.test("FileJob.audit() records user rules and keepPrivateTags as their sources", () => {
  const bytes = read("pydicom__priv_SQ.dcm");
  const byDefault = auditOf(bytes).actions.filter((a) => /^\(\w{3}[13579BDF],/.test(a.tag));
  assert.ok(byDefault.length > 0);
  assert.ok(byDefault.every((a) => a.source === "private" && a.action === "delete"));
  const kept = auditOf(bytes, { keepPrivateTags: true }).actions.filter((a) =>
    /^\(\w{3}[13579BDF],/.test(a.tag)
  );
  assert.ok(kept.length > 0);
  assert.ok(kept.every((a) => a.source === "keepPrivateTags" && a.action === "keep"));

  const rules = [
    parseRuleArgs(["PatientID", "keep"], "-t #1"),
    parseRuleArgs(["(0010,0010)", "replace_with_value", "SOMEONE"], "-t #2"),
  ];
  const user = auditOf(read("pydicom__CT_small.dcm"), { rules });
  const [id] = find(user, "(0010,0020)");
  const [name] = find(user, "(0010,0010)");
  assert.deepEqual(id, {
    tag: "(0010,0020)",
    keyword: "PatientID",
    path: "",
    action: "keep",
    source: "user",
  });
  assert.deepEqual([name.action, name.source], ["value", "user"]);
  const kitware = find(user, "(0008,0020)")[0];
  assert.deepEqual([kitware.source, kitware.column], ["profile", "kitware:Z_TAGS"]);
});

Deno.test("FileJob.audit() records File Meta rewrites, illegal groups and hidden sequences", () => {
  const audit = auditOf(read("pydicom__CT_small.dcm"));
  assert.deepEqual(find(audit, "(0002,0003)")[0], {
    tag: "(0002,0003)",
    keyword: "MediaStorageSOPInstanceUID",
    path: "",
    action: "uid",
    source: "engine",
  });
  assert.deepEqual(find(audit, "(0002,0012)")[0].action, "delete");
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00030010, "LO", "XY"), // group 0003: neither standard nor private
    explicit(0x00283000, "UN", new Uint8Array(8)), // a sequence hidden in a defined-length UN
    explicit(0x00283002, "US", new Uint8Array(2)), // an implicit default keep: not recorded
  );
  const own = auditOf(input).actions.filter((a) => !a.tag.startsWith("(0002,"));
  assert.deepEqual(own.filter((a) => a.tag !== "(0012,0062)" && a.tag !== "(0012,0063)"), [
    { tag: "(0003,0010)", path: "", action: "delete", source: "group" },
    {
      tag: "(0012,0064)",
      keyword: "DeidentificationMethodCodeSequence",
      path: "",
      action: "value",
      source: "engine",
    },
    {
      tag: "(0028,3000)",
      keyword: "ModalityLUTSequence",
      path: "",
      action: "delete",
      source: "engine",
    },
  ]);
});

Deno.test("FileJob.audit() is the same for every chunking", () => {
  const cases: [string, Omit<DeidConfig, "key">][] = [
    ["pydicom__rtplan.dcm", { profile: "ps315-basic", options: ["retain-long-modified-dates"] }],
    ["dcmjs__sample-sr.dcm", {}],
    ["pydicom__nested_priv_SQ.dcm", { keepPrivateTags: true }],
    ["pydicom__ExplVR_LitEndNoMeta.dcm", { profile: "ps315-basic" }],
  ];
  for (const [name, config] of cases) {
    const bytes = read(name);
    const whole = auditOf(bytes, config);
    assert.ok(whole.actions.length > 0);
    for (const size of [1, 2, 3, 7, 8, 4096]) {
      assert.deepEqual(auditOf(bytes, config, size), whole, `${name} at ${size}-byte chunks`);
    }
  }
});

Deno.test("FileJob.audit() holds no planted value; its input UIDs hold the planted UIDs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-audit-" });
  try {
    const study = await makeStudy(join(dir, "study"), ["--images", "2"]);
    const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
    let files = 0;
    for (
      const [rel, rows] of Object.entries(phi.files) as [
        string,
        { value: string; category: string }[],
      ][]
    ) {
      const audit = auditOf(await Deno.readFile(join(study, rel)), { profile: "ps315-basic" });
      const text = JSON.stringify({ actions: audit.actions, counts: audit.counts });
      const values = rows.map((r) => r.value).filter((v) => v.length >= 4);
      for (const v of values) assert.ok(!text.includes(v), `${rel}: a planted value in the audit`);
      const uids = new Set(audit.inputUids);
      for (const r of rows.filter((r) => r.category === "uid")) {
        for (const uid of r.value.split("\\")) assert.ok(uids.has(uid), `${rel}: UID collected`);
      }
      assert.equal(audit.inputUidsTruncated, 0);
      files++;
    }
    assert.ok(files >= 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileJob.audit() keeps MAX_AUDIT_ACTIONS entries and counts the rest", () => {
  // A hostile header: 10,005 private elements, each removed (one decision per element).
  const elements = Array.from(
    { length: MAX_AUDIT_ACTIONS + 5 },
    (_, i) => explicit(0x00111000 + i, "LO", "AB"),
  );
  const audit = auditOf(part10(EXPLICIT_VR_LE, ...elements));
  assert.equal(audit.actions.length, MAX_AUDIT_ACTIONS);
  const total = Object.values(audit.counts).reduce((a, b) => a + b, 0);
  assert.ok(audit.truncated >= 5);
  assert.equal(total, audit.actions.length + audit.truncated);
});

Deno.test("FileJob.audit() throws for a job started without an audit", () => {
  const job = createDeidentifier({ key: TEST_KEY }).start();
  job.pipeline.push(read("pydicom__rtplan.dcm"));
  job.pipeline.finish();
  assert.throws(() => job.audit(), TypeError);
});

/** The AuditAction type keeps its documented key order (docs/manifest.md). */
Deno.test("FileJob.audit() entries have the documented key order", () => {
  const audit = auditOf(read("pydicom__CT_small.dcm"), { profile: "ps315-basic" });
  const order = ["tag", "keyword", "path", "action", "source", "row", "column"];
  for (const a of audit.actions as AuditAction[]) {
    const keys = Object.keys(a);
    assert.deepEqual(keys, order.filter((k) => keys.includes(k)));
  }
});
