import assert from "node:assert/strict";
import { AuditUidStage, MAX_INPUT_UIDS } from "./audit_uids.ts";
import { DicomPipeline } from "../dicom/mod.ts";
import { concat, definedItem, explicit, part10 } from "../../tests/fixtures/build.ts";
import { EXPLICIT_VR_LE } from "../dicom/transfer_syntax.ts";
import { chunked } from "../../tests/support/run_codec.ts";
import { readTreesWithPydicom, type TreeElement } from "../../tests/support/independent_reader.ts";

/** The UIDs a stage collects from `bytes` fed in chunks of `size` (0: whole). */
function collect(bytes: Uint8Array, size = 0) {
  const stage = new AuditUidStage();
  const pipeline = new DicomPipeline([stage]);
  for (const chunk of chunked(bytes, size)) pipeline.push(chunk);
  pipeline.finish();
  return stage.result();
}

/** Every UI value pydicom sees in a dataset, at any depth, split and unpadded. */
function pydicomUids(elements: TreeElement[], out = new Set<string>()): Set<string> {
  for (const e of elements) {
    if ("items" in e) e.items.forEach((item) => pydicomUids(item, out));
    else if (e.vr === "UI" && "hex" in e) {
      const text = new TextDecoder("latin1").decode(
        Uint8Array.from(e.hex.match(/../g) ?? [], (h) => parseInt(h, 16)),
      );
      for (const v of text.replace(/[\0 ]+$/, "").split("\\")) {
        const uid = v.replace(/[\0 ]+$/, "");
        if (uid && !uid.startsWith("1.2.840.10008.")) out.add(uid);
      }
    }
  }
  return out;
}

/** File Meta's UI values as DCMTK dcmdump prints them (pydicom_tree.py reads the dataset only). */
async function metaUids(path: string): Promise<string[]> {
  const { stdout } = await new Deno.Command("dcmdump", {
    args: ["-M", "-Un", path],
    stdout: "piped",
  })
    .output();
  const lines = new TextDecoder().decode(stdout).split("\n");
  return lines.flatMap((l) => /^\(0002,\w{4}\) UI \[([^\]]*)\]/.exec(l)?.[1] ?? [])
    .filter((u) => !u.startsWith("1.2.840.10008."));
}

Deno.test("AuditUidStage() finds the UIDs pydicom and dcmdump find, at any depth", async () => {
  const names = [
    "pydicom__CT_small.dcm",
    "pydicom__MR_small_implicit.dcm",
    "pydicom__test-SR.dcm",
    "dcmjs__tumor_User1_Manual_Trial1.dcm",
  ];
  const paths = names.map((n) => new URL(`../../tests/fixtures/corpus/${n}`, import.meta.url));
  const trees = await readTreesWithPydicom(paths.map((p) => p.pathname));
  for (const path of paths) {
    const tree = trees.get(path.pathname);
    if (tree instanceof Error) throw tree;
    const expected = pydicomUids(tree!.elements);
    for (const uid of await metaUids(path.pathname)) expected.add(uid);
    const got = collect(Deno.readFileSync(path));
    assert.equal(got.truncated, 0);
    assert.deepEqual(got.values, [...expected].sort(), path.pathname);
    assert.ok(got.values.length >= 3);
  }
});

Deno.test("AuditUidStage() splits multi-valued UIDs, strips padding, skips standard UIDs", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.2\0"), // a SOP Class: public
    explicit(0x00081155, "UI", "1.2.3.4\\ 1.2.3.5"), // VM 2, a stray space
    explicit(0x00081199, "SQ", concat([definedItem(explicit(0x00081155, "UI", "1.2.3.4\0"))])),
    explicit(0x00200052, "UN", "9.8.7\0"), // UN in explicit VR, UI in the dictionary
  );
  for (const size of [0, 1, 3, 7]) {
    assert.deepEqual(collect(input, size), {
      // File Meta's SOP Class "1.2.3" and Instance "1.2.3.4" (tests/fixtures/build.ts) count too.
      values: ["1.2.3", "1.2.3.4", "1.2.3.5", "9.8.7"],
      truncated: 0,
    }, `chunk ${size}`);
  }
});

Deno.test("AuditUidStage() keeps at most MAX_INPUT_UIDS and counts the rest", () => {
  const even = (uid: string) => uid.length % 2 ? `${uid}\0` : uid; // UI pads with NUL (PS3.5)
  const items = Array.from(
    { length: MAX_INPUT_UIDS + 5 },
    (_, i) => definedItem(explicit(0x00081155, "UI", even(`1.2.9.${i}`))),
  );
  const input = part10(EXPLICIT_VR_LE, explicit(0x00081199, "SQ", concat(items)));
  const got = collect(input);
  assert.equal(got.values.length, MAX_INPUT_UIDS);
  // File Meta's two UIDs came first and were kept, so 7 of the 10,005 were left out.
  assert.equal(got.truncated, 7);
  assert.ok(got.values.includes("1.2.3.4"));
});
