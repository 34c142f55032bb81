import assert from "node:assert/strict";
import { ATTRIBUTE_NAMES, PSEUDONYM_ATTRIBUTES } from "./attributes.ts";
import { hashLookup, hashPseudonym } from "./hash.ts";

const KEY = new TextEncoder().encode("hash-test-key-0123456789");
const OTHER = new TextEncoder().encode("another-key-0123456789ab");
const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]+$/;

Deno.test("hashPseudonym() is the same in another process with the same key", async () => {
  const script = `import { hashPseudonym } from ${JSON.stringify(import.meta.resolve("./hash.ts"))};
    const key = new TextEncoder().encode("hash-test-key-0123456789");
    console.log(JSON.stringify(["PatientName", "PatientID", "AccessionNumber", "StudyID"]
      .map((a) => hashPseudonym(key, a, "DOE^JANE 4711"))));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const there = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(there, ATTRIBUTE_NAMES.map((a) => hashPseudonym(KEY, a, "DOE^JANE 4711")));
});

Deno.test("hashPseudonym() differs across keys and attributes", () => {
  for (const a of ATTRIBUTE_NAMES) {
    assert.notEqual(hashPseudonym(KEY, a, "4711"), hashPseudonym(OTHER, a, "4711"));
  }
  assert.notEqual(
    hashPseudonym(KEY, "PatientID", "4711").slice(0, 16),
    hashPseudonym(KEY, "StudyID", "4711"),
  );
  assert.notEqual(hashPseudonym(KEY, "PatientID", "4711"), hashPseudonym(KEY, "PatientID", "4712"));
});

Deno.test("hashPseudonym() is sized to each VR and plain upper-case ASCII", () => {
  for (const a of ATTRIBUTE_NAMES) {
    const p = hashPseudonym(KEY, a, "Müller^Jürgen");
    const { vr, maxLength } = PSEUDONYM_ATTRIBUTES[a];
    assert.equal(p.length, vr === "SH" ? 16 : 32, a);
    assert.ok(p.length <= maxLength);
    assert.match(p, CROCKFORD);
  }
});

Deno.test("hashLookup() keeps an empty original empty", () => {
  const lookup = hashLookup(KEY);
  assert.equal(lookup("PatientID", ""), "");
  assert.equal(lookup("PatientID", "4711"), hashPseudonym(KEY, "PatientID", "4711"));
});
