import assert from "node:assert/strict";
import type { DicomEvent } from "../dicom/events.ts";
import { longitudinalFor, OwnElements } from "./own_elements.ts";
import { parseJoined } from "../../tests/support/run_codec.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);
const CLAIM = { removed: true, method: ["test"], codes: [] };

/** Top-level dataset tags of a real file, in order. */
function topLevelTags(name: string): number[] {
  let depth = 0;
  let inMeta = true;
  const out: number[] = [];
  for (const e of parseJoined(Deno.readFileSync(new URL(name, CORPUS)), 0)) {
    if (e.kind === "metaEnd") inMeta = false;
    if (e.kind === "sequenceEnd") depth--;
    if (!inMeta && depth === 0 && (e.kind === "element" || e.kind === "sequenceStart")) {
      out.push(e.tag);
    }
    if (e.kind === "sequenceStart" || e.kind === "pixelSequenceStart") depth++;
  }
  return out;
}

/** The file's top-level tags with our elements inserted where `next()` says. */
function merged(tags: number[], own: OwnElements): number[] {
  const out: number[] = [];
  const insert = (next: number) => {
    for (let evs = own.next(next, CLAIM); evs; evs = own.next(next, CLAIM)) {
      const first = evs[0] as DicomEvent & { tag: number };
      out.push(first.tag);
    }
  };
  for (const t of tags) {
    insert(t);
    out.push(t);
  }
  insert(0xffffffff);
  return out;
}

Deno.test("OwnElements.next() keeps a real file's top level in tag order", () => {
  const tags = topLevelTags("pydicom__CT_small.dcm");
  const out = merged(tags, new OwnElements(["retain-long-modified-dates"]));
  assert.deepEqual(out, [...out].sort((a, b) => a - b));
  assert.deepEqual(out.filter((t) => !tags.includes(t)), [0x00120062, 0x00280303]);
  const plain = merged(tags, new OwnElements([]));
  assert.deepEqual(plain.filter((t) => !tags.includes(t)), [0x00120062]);
});

Deno.test("OwnElements.next() writes each group once, identity first, at the end if not before", () => {
  const own = new OwnElements(["retain-long-full-dates"]);
  assert.equal(own.next(0x00100010, CLAIM), undefined, "not due before (0012,0064)");
  const identity = own.next(0xffffffff, CLAIM)!;
  assert.deepEqual(
    identity.flatMap((e) => (e.kind === "element" || e.kind === "sequenceStart" ? [e.tag] : []))
      .slice(0, 3),
    [0x00120062, 0x00120063, 0x00120064],
  );
  const longitudinal = own.next(0xffffffff, CLAIM)!;
  const value = longitudinal.find((e) => e.kind === "value");
  assert.ok(value?.kind === "value");
  assert.equal(new TextDecoder().decode(value.bytes).trim(), "UNMODIFIED");
  assert.equal(own.next(0xffffffff, CLAIM), undefined);
});

Deno.test("OwnElements.replaces() removes the input's copies of what the engine writes", () => {
  const plain = new OwnElements([]);
  assert.ok(plain.replaces(0x00120062) && plain.replaces(0x00120063) && plain.replaces(0x00120064));
  assert.equal(plain.replaces(0x00280303), false, "no dates option: the input's own stays");
  assert.equal(plain.replaces(0x00100010), false);
  assert.ok(new OwnElements(["retain-long-modified-dates"]).replaces(0x00280303));
  assert.equal(longitudinalFor(["retain-uids"]), undefined);
  assert.equal(longitudinalFor(["retain-long-full-dates"]), false);
  assert.equal(longitudinalFor(["retain-long-full-dates", "retain-long-modified-dates"]), true);
});
