import assert from "node:assert/strict";
import { atRestKey, openOriginal } from "./at_rest.ts";
import { lastKey, PSEUDONYM_ROOT, type PseudonymEntry, sealContext } from "./kv_keys.ts";
import { formatPseudonym, parsePseudonym, validatePrefix } from "./sequence_names.ts";
import { pairsLookup, SequentialPseudonyms } from "./sequential.ts";

const KEY = new TextEncoder().encode("sequential-test-key-0123");

async function withKv(fn: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

async function entries(kv: Deno.Kv) {
  const all: Deno.KvEntry<unknown>[] = [];
  for await (const e of kv.list({ prefix: [PSEUDONYM_ROOT] })) all.push(e);
  return all;
}

Deno.test("SequentialPseudonyms.pseudonymOf() numbers originals in order of first sight", async () => {
  await withKv(async (kv) => {
    const seq = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: false });
    assert.equal(await seq.pseudonymOf("PatientID", "MRN-1"), "SITE-000001");
    assert.equal(await seq.pseudonymOf("PatientID", "MRN-2"), "SITE-000002");
    assert.equal(await seq.pseudonymOf("PatientID", "MRN-1"), "SITE-000001");
    assert.equal(await seq.pseudonymOf("StudyID", "MRN-1"), "SITE-000001"); // its own sequence
    assert.equal(seq.allocated, 3);
    // A later run (a new instance, no cache) gets the same; another prefix starts over.
    const later = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: false });
    assert.equal(await later.pseudonymOf("PatientID", "MRN-2"), "SITE-000002");
    assert.equal(await later.pseudonymOf("PatientID", "MRN-3"), "SITE-000003");
    const other = new SequentialPseudonyms({ kv, key: KEY, prefix: "B-2", keepOriginals: false });
    assert.equal(await other.pseudonymOf("PatientID", "MRN-3"), "B-2-000001");
  });
});

Deno.test("SequentialPseudonyms keeps only HMACs, and sealed originals when the crosswalk is on", async () => {
  await withKv(async (kv) => {
    const off = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: false });
    await off.pseudonymOf("PatientName", "DOE^JANE");
    const text = (e: Deno.KvEntry<unknown>) => JSON.stringify([e.key, e.value]);
    assert.ok((await entries(kv)).every((e) => !text(e).includes("DOE")));
    let [entry] = (await entries(kv)).filter((e) => e.key[3] === "h");
    assert.equal((entry.value as PseudonymEntry).original, undefined);
    // Seen again with the crosswalk on: the entry gets its original, sealed.
    const on = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: true });
    assert.equal(await on.pseudonymOf("PatientName", "DOE^JANE"), "SITE-000001");
    [entry] = (await entries(kv)).filter((e) => e.key[3] === "h");
    const sealed = (entry.value as PseudonymEntry).original!;
    assert.ok(!new TextDecoder("latin1").decode(sealed).includes("DOE"));
    const context = sealContext("SITE", "PatientName", entry.key[4] as string);
    assert.equal(openOriginal(atRestKey(KEY), context, sealed), "DOE^JANE");
    assert.throws(() => openOriginal(atRestKey(KEY), context + "x", sealed)); // bound to its entry
  });
});

Deno.test("SequentialPseudonyms.resolve() with allocate: false writes nothing", async () => {
  await withKv(async (kv) => {
    const seq = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: true });
    await seq.pseudonymOf("PatientID", "known");
    const before = (await entries(kv)).length;
    const originals = new Map([["PatientID", new Set(["known", "new"])]] as const);
    const dry = new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals: true });
    assert.deepEqual(await dry.resolve(new Map(originals), { allocate: false }), [
      ["PatientID", "known", "SITE-000001"],
      ["PatientID", "new", "SITE-000000"],
    ]);
    assert.equal((await entries(kv)).length, before);
  });
});

Deno.test("SequentialPseudonyms refuses a number that no longer fits the VR", async () => {
  await withKv(async (kv) => {
    const seq = new SequentialPseudonyms({
      kv,
      key: KEY,
      prefix: "ABCDEFGHI",
      keepOriginals: false,
    });
    await kv.set(lastKey("ABCDEFGHI", "AccessionNumber"), 999_999);
    await kv.set(lastKey("ABCDEFGHI", "PatientID"), 999_999);
    await assert.rejects(seq.pseudonymOf("AccessionNumber", "A1"), RangeError);
    assert.equal((await kv.get(lastKey("ABCDEFGHI", "AccessionNumber"))).value, 999_999);
    // PatientID is LO (64 characters): the number just grows.
    assert.equal(await seq.pseudonymOf("PatientID", "P1"), "ABCDEFGHI-1000000");
  });
});

Deno.test("validatePrefix() accepts what fits SH with six digits, and nothing else", () => {
  for (const ok of ["S", "SITE", "site-2", "ABCDEFGHI", "9X"]) validatePrefix(ok);
  for (const bad of ["", "ABCDEFGHIJ", "-SITE", "SI TE", "SÍTE", "=1+1", "A_B"]) {
    assert.throws(() => validatePrefix(bad), RangeError, bad);
  }
  assert.equal(formatPseudonym("ABCDEFGHI", "StudyID", 999_999).length, 16);
});

Deno.test("parsePseudonym() reads PREFIX-NNNNNN back, one spelling per number", () => {
  assert.deepEqual(parsePseudonym("SITE-000042"), { prefix: "SITE", n: 42 });
  assert.deepEqual(parsePseudonym("A-B-1234567"), { prefix: "A-B", n: 1234567 });
  for (const bad of ["SITE-42", "SITE-0000042", "SITE-000000", "SITE000001", "-000001"]) {
    assert.equal(parsePseudonym(bad), undefined, bad);
  }
});

Deno.test("pairsLookup() answers empty for empty and undefined for unknown originals", () => {
  const lookup = pairsLookup([["PatientID", "7", "S-000001"]]);
  assert.equal(lookup("PatientID", "7"), "S-000001");
  assert.equal(lookup("PatientID", ""), "");
  assert.equal(lookup("PatientID", "8"), undefined);
  assert.equal(lookup("StudyID", "7"), undefined);
});
