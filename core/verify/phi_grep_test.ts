import assert from "node:assert/strict";
import { PhiGrep } from "./phi_grep.ts";
import { parsePhiList, phiPatterns, spellings } from "./phi_patterns.ts";

/** Searches `text` split into chunks of `size` bytes; returns [line, offset] of each hit. */
function search(strings: string[], bytes: Uint8Array, size: number): [number, number][] {
  const hits: [number, number][] = [];
  const grep = new PhiGrep(phiPatterns(strings), (entry, offset) => hits.push([entry, offset]));
  for (let i = 0; i < bytes.length; i += size) grep.push(bytes.subarray(i, i + size));
  grep.finish();
  return hits.sort((a, b) => a[0] - b[0]);
}

const enc = (s: string) => new TextEncoder().encode(s);
const SIZES = [1, 2, 3, 7, 8, 4096];

Deno.test("PhiGrep() finds the same offsets at every chunk size", () => {
  const text = enc("--DOE^JOHN..Main Street 12\0\0secret-id 4711 at end:SMITH");
  const strings = ["doe^john", "MAIN STREET", "4711", "smith", "absent"];
  const expected: [number, number][] = [[0, 2], [1, 12], [2, 38], [3, 50]];
  for (const size of SIZES) assert.deepEqual(search(strings, text, size), expected, `size ${size}`);
});

Deno.test("PhiGrep() reports a line once per file, at its first occurrence", () => {
  assert.deepEqual(search(["DOE"], enc("DOE DOE DOE"), 3), [[0, 0]]);
});

Deno.test("PhiGrep() counts letters and digits only at word edges", () => {
  assert.deepEqual(search(["MARY"], enc("ORIGINAL\\PRIMARY"), 5), []);
  assert.deepEqual(search(["MARY"], enc("PRIMARY\\MARY^"), 5), [[0, 8]]);
  // A digit-only ID inside a fresh UID is not a leak; on its own it is.
  for (const size of SIZES) {
    assert.deepEqual(search(["4711"], enc("2.25.1234711999"), size), [], `size ${size}`);
    assert.deepEqual(search(["4711"], enc("2.25.1234711"), size), [], `end, size ${size}`);
    assert.deepEqual(search(["4711"], enc("ID 4711"), size), [[0, 3]], `size ${size}`);
  }
});

Deno.test("PhiGrep() jump() searches values one by one at their own offsets", () => {
  const hits: number[] = [];
  const grep = new PhiGrep(phiPatterns(["JOHN"]), (_e, offset) => hits.push(offset));
  grep.jump(100);
  grep.push(enc("JO"));
  grep.jump(200); // "JO" + "HN" of two different values is no match
  grep.push(enc("HN JOHN"));
  grep.finish();
  assert.deepEqual(hits, [203]);
});

Deno.test("spellings() adds the DICOM PN forms of a name", () => {
  assert.deepEqual(spellings("JOHN DOE").sort(), ["DOE^JOHN", "JOHN DOE", "JOHN^DOE"]);
  assert.deepEqual(spellings("DOE^JOHN").sort(), ["DOE JOHN", "DOE^JOHN", "JOHN^DOE"]);
  assert.deepEqual(spellings("4711"), ["4711"]);
});

Deno.test("phiPatterns() searches non-ASCII text as UTF-8 and as Latin-1", () => {
  const strings = ["MÜLLER"];
  assert.deepEqual(search(strings, enc("x müller"), 2), [], "non-ASCII letters keep their case");
  assert.deepEqual(search(strings, enc("x MÜLLER"), 2), [[0, 2]]);
  const latin1 = Uint8Array.from([0x78, 0x20, 0x4d, 0xdc, 0x4c, 0x4c, 0x45, 0x52]);
  assert.deepEqual(search(strings, latin1, 3), [[0, 2]]);
});

Deno.test("parsePhiList() skips blank lines and strings too short to search", () => {
  assert.deepEqual(parsePhiList("DOE\r\n\n  X \nSMITH  \n"), {
    strings: ["DOE", "SMITH"],
    skipped: 1,
  });
});
