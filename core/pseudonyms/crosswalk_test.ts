import assert from "node:assert/strict";
import { exportCrosswalk, importCrosswalk } from "./crosswalk.ts";
import {
  CROSSWALK_ITERATIONS,
  CrosswalkDecryptError,
  crosswalkIterations,
  decryptCrosswalk,
  encryptCrosswalk,
  MIN_CROSSWALK_ITERATIONS,
} from "./crosswalk_crypto.ts";
import { CrosswalkError, type CrosswalkRow, parseCsv, toCsv } from "./csv.ts";
import { SequentialPseudonyms } from "./sequential.ts";

const KEY = new TextEncoder().encode("crosswalk-test-key-01234");
const PASS = "correct horse battery staple";

async function withKvs(fn: (a: Deno.Kv, b: Deno.Kv) => Promise<void>) {
  const a = await Deno.openKv(":memory:");
  const b = await Deno.openKv(":memory:");
  try {
    await fn(a, b);
  } finally {
    a.close();
    b.close();
  }
}

const seqOn = (kv: Deno.Kv, keepOriginals = true) =>
  new SequentialPseudonyms({ kv, key: KEY, prefix: "SITE", keepOriginals });

Deno.test("exportCrosswalk() and importCrosswalk() round-trip through the encrypted file", async () => {
  await withKvs(async (a, b) => {
    const seq = seqOn(a);
    await seq.pseudonymOf("PatientID", "MRN-1");
    await seq.pseudonymOf("PatientName", "DOE^JANE");
    await seq.pseudonymOf("PatientID", "MRN-2");
    await seq.pseudonymOf("AccessionNumber", '=HYPERLINK("x")');
    const exported = await exportCrosswalk(a, KEY);
    assert.deepEqual(exported.rows, [
      { attribute: "AccessionNumber", original: '=HYPERLINK("x")', pseudonym: "SITE-000001" },
      { attribute: "PatientID", original: "MRN-1", pseudonym: "SITE-000001" },
      { attribute: "PatientID", original: "MRN-2", pseudonym: "SITE-000002" },
      { attribute: "PatientName", original: "DOE^JANE", pseudonym: "SITE-000001" },
    ]);
    const file = await encryptCrosswalk(new TextEncoder().encode(toCsv(exported.rows)), PASS);
    assert.ok(!new TextDecoder("latin1").decode(file).includes("MRN"));
    const rows = parseCsv(new TextDecoder().decode(await decryptCrosswalk(file, PASS)));
    assert.deepEqual(await importCrosswalk(b, KEY, rows), { added: 4, unchanged: 0 });
    assert.deepEqual(await exportCrosswalk(b, KEY), exported);
    // The imported KV serves the same pseudonyms and continues after the imported numbers.
    const there = seqOn(b);
    assert.equal(await there.pseudonymOf("PatientID", "MRN-2"), "SITE-000002");
    assert.equal(await there.pseudonymOf("PatientID", "MRN-3"), "SITE-000003");
    // Importing again changes nothing.
    assert.deepEqual(await importCrosswalk(b, KEY, rows), { added: 0, unchanged: 4 });
  });
});

Deno.test("importCrosswalk() merges without renumbering and refuses conflicts whole", async () => {
  await withKvs(async (a, b) => {
    await seqOn(a).pseudonymOf("PatientID", "MRN-1"); // SITE-000001 in a
    await seqOn(b).pseudonymOf("PatientID", "OTHER"); // SITE-000001 in b: taken
    const rows = (await exportCrosswalk(a, KEY)).rows;
    const extra: CrosswalkRow = {
      attribute: "PatientID",
      original: "MRN-9",
      pseudonym: "SITE-000009",
    };
    await assert.rejects(importCrosswalk(b, KEY, [extra, ...rows]), (err: unknown) => {
      assert.ok(err instanceof CrosswalkError);
      assert.match(err.message, /1 row\(s\) conflict.*row 2\. Nothing was imported/);
      assert.doesNotMatch(err.message, /MRN|OTHER/);
      return true;
    });
    assert.equal((await exportCrosswalk(b, KEY)).rows.length, 1);
    // The same original with another number than b has is a conflict as well.
    const moved = { attribute: "PatientID", original: "OTHER", pseudonym: "SITE-000002" } as const;
    await assert.rejects(importCrosswalk(b, KEY, [moved]), CrosswalkError);
    // Rows that disagree among themselves are refused before KV is read.
    const twice: CrosswalkRow[] = [extra, { ...extra, pseudonym: "SITE-000010" }];
    await assert.rejects(importCrosswalk(b, KEY, twice), /row 2\b/);
    // A compatible table merges; b's own entry keeps its number.
    await importCrosswalk(b, KEY, [extra]);
    assert.equal(await seqOn(b).pseudonymOf("PatientID", "OTHER"), "SITE-000001");
    assert.equal(await seqOn(b).pseudonymOf("PatientID", "NEW"), "SITE-000010");
  });
});

Deno.test("exportCrosswalk() counts entries made while the crosswalk was off", async () => {
  await withKvs(async (a) => {
    await seqOn(a, false).pseudonymOf("PatientID", "MRN-1");
    await seqOn(a, true).pseudonymOf("PatientID", "MRN-2");
    const r = await exportCrosswalk(a, KEY);
    assert.equal(r.withoutOriginal, 1);
    assert.deepEqual(r.rows.map((x) => x.original), ["MRN-2"]);
  });
});

Deno.test("toCsv() and parseCsv() keep every value, quoting and guarding formulas", () => {
  const odd = [
    "a,b",
    'say "hi"',
    "two\r\nlines",
    "=1+1",
    "+49 30",
    "-x",
    "@sum",
    "'quoted",
    "ÄÖ^é",
  ];
  const rows = odd.map((original, i) => ({
    attribute: "PatientName" as const,
    original,
    pseudonym: `SITE-00000${i + 1}`,
  }));
  const csv = toCsv(rows);
  assert.ok(csv.startsWith("attribute,original,pseudonym\r\n"));
  assert.match(csv, /,'=1\+1,/);
  assert.deepEqual(parseCsv(csv), rows);
  assert.deepEqual(
    parseCsv(csv.replaceAll("\r\n", "\n").replace("two\nlines", "two\r\nlines")),
    rows,
  );
  assert.throws(() => parseCsv("name,value\r\n"), CrosswalkError);
  assert.throws(
    () => parseCsv("attribute,original,pseudonym\r\nPatientSex,M,S-000001\r\n"),
    /Row 1/,
  );
});

Deno.test("decryptCrosswalk() fails cleanly on a wrong passphrase or a changed file", async () => {
  const file = await encryptCrosswalk(
    new TextEncoder().encode("attribute,original,pseudonym\r\n"),
    PASS,
  );
  await assert.rejects(decryptCrosswalk(file, PASS + "!"), CrosswalkDecryptError);
  const flipped = file.slice();
  flipped[20] ^= 1; // in the salt: authenticated as associated data
  await assert.rejects(decryptCrosswalk(flipped, PASS), /wrong passphrase or a damaged file/);
  await assert.rejects(decryptCrosswalk(new Uint8Array(100), PASS), /Not an encrypted crosswalk/);
});

Deno.test("encryptCrosswalk() derives its key with at least 600,000 PBKDF2 iterations", async () => {
  assert.ok(CROSSWALK_ITERATIONS >= 600_000 && MIN_CROSSWALK_ITERATIONS >= 600_000);
  const file = await encryptCrosswalk(new Uint8Array([1, 2, 3]), PASS);
  assert.equal(crosswalkIterations(file), 600_000);
  await assert.rejects(encryptCrosswalk(new Uint8Array(1), PASS, 599_999), RangeError);
  await assert.rejects(encryptCrosswalk(new Uint8Array(1), "too short"), RangeError);
  // A file claiming fewer iterations (forged or written by a weaker tool) is refused.
  const weak = file.slice();
  new DataView(weak.buffer).setUint32(8, 1000);
  await assert.rejects(decryptCrosswalk(weak, PASS), /Refused: .*1000 PBKDF2 iterations/);
});
