// Minimised crashers, hangs and memory blow-ups found by the fuzzer (tests/fuzz/), one test
// each, with the bytes built here. The comment on each names the fuzz case it came from.
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { ByteQueue, type DicomEvent, DicomParseError, DicomParser } from "../../core/dicom/mod.ts";
import { parseSpecificCharacterSet } from "../../core/dicom/charset.ts";
import { DICOMDIR_SOP_CLASS } from "../../core/dicom/file_meta.ts";
import {
  DEFLATED_EXPLICIT_VR_LE,
  EXPLICIT_VR_LE,
  trimPadding,
} from "../../core/dicom/transfer_syntax.ts";
import { createDeidentifier, mapUid } from "../../core/deid/mod.ts";
import { dayShift } from "../../core/deid/dates.ts";
import { HeaderHoldback } from "../../core/deid/header_holdback.ts";
import { MAX_REPORT_TAGS } from "../../core/deid/report.ts";
import {
  concat,
  definedItem,
  explicit,
  explicitHeader,
  fileMeta,
  part10,
  PREFIX,
  tagBytes,
  u16,
  u32,
} from "../fixtures/build.ts";
import { corpusPath } from "../support/manifest.ts";
import { CHUNK_SIZES, roundTrip } from "../support/run_codec.ts";
import { FUZZ_KEY } from "./fuzz_case.ts";
import { distinctNames, distinctPrivateTags, paddedUid } from "./hostile.ts";

/** The error of a round trip at every chunking, checked to be the same each time. */
function errorAtEveryChunking(bytes: Uint8Array): Error {
  let first: Error | undefined;
  for (const size of CHUNK_SIZES) {
    try {
      roundTrip(bytes, size);
    } catch (e) {
      first ??= e as Error;
      assert.equal((e as Error).message, first.message, `chunk size ${size}`);
      continue;
    }
    assert.fail(`no error at chunk size ${size}`);
  }
  return first!;
}

/** Parses whole; throws on error. */
function parse(bytes: Uint8Array): DicomEvent[] {
  const parser = new DicomParser();
  return [...parser.push(bytes), ...parser.finish()];
}

function deidentify(bytes: Uint8Array) {
  const job = createDeidentifier({ key: FUZZ_KEY }).start();
  const out = concat([...job.pipeline.push(bytes), ...job.pipeline.finish()]);
  return { job, out };
}

// ---- codec ----

// Seed 1 case 1065 (byte-set in fodicom__Issue1097 deflated data) threw fflate's own
// Error("invalid block type"); case 490 (deflated data cut short) Error("unexpected EOF").
Deno.test("DicomParser() reports corrupt deflated data as a DicomParseError", () => {
  // BFINAL 1, BTYPE 11: a block type DEFLATE does not have (RFC 1951 §3.2.3).
  const badBlock = part10(DEFLATED_EXPLICIT_VR_LE, Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  const err = errorAtEveryChunking(badBlock);
  assert.ok(err instanceof DicomParseError, String(err));
  assert.match(err.message, /^Corrupt deflated dataset: invalid block type at offset 0x[0-9A-F]+$/);

  const dataset = deflateRawSync(explicit(0x00100010, "PN", "SECRET^NAME "));
  const cut = part10(DEFLATED_EXPLICIT_VR_LE, dataset.subarray(0, dataset.length - 3));
  const eof = errorAtEveryChunking(cut);
  assert.ok(eof instanceof DicomParseError, String(eof));
  assert.match(eof.message, /^Corrupt deflated dataset: unexpected end at offset 0x[0-9A-F]+$/);
});

// Seed 1 case 662 (the whole deflated dataset deleted): our own output, an empty dataset
// deflated to 2 bytes, did not re-parse ("Truncated element header (2 trailing bytes)").
Deno.test("DicomPipeline() round-trips a deflated file with an empty dataset", () => {
  const empty = part10(DEFLATED_EXPLICIT_VR_LE);
  const out = roundTrip(empty, 0);
  const events = parse(out);
  assert.equal(events.at(-1)?.kind, "metaEnd");
  assert.deepEqual(roundTrip(out, 0), out);
  // The 2-byte empty stream itself (final fixed-Huffman block holding only end-of-block).
  assert.equal(
    parse(part10(DEFLATED_EXPLICIT_VR_LE, Uint8Array.of(0x03, 0x00))).at(-1)?.kind,
    "metaEnd",
  );
});

// Seed 1 case 324 (pydicom__image_dfl.dcm pushed 6 bytes at a time): fflate copies its 32 KiB
// window on every push, so 4.6 KB cost 200 ms and +100 MB RSS (1-byte pushes: +172 MB).
Deno.test("DicomParser() hands tiny deflated pushes to the inflater in batches", () => {
  const bytes = Deno.readFileSync(corpusPath("pydicom__image_dfl.dcm"));
  const parser = new DicomParser();
  let inMeta = true;
  let pushesWithDatasetEvents = 0;
  const events: DicomEvent[] = [];
  for (let at = 0; at < bytes.length; at++) {
    const out = parser.push(bytes.slice(at, at + 1));
    if (!inMeta && out.length) pushesWithDatasetEvents++;
    if (out.some((e) => e.kind === "metaEnd")) inMeta = false;
    events.push(...out);
  }
  events.push(...parser.finish());
  // The file's 4.5 KB of deflated data are less than one batch: inflated at finish() only.
  assert.equal(pushesWithDatasetEvents, 0);
  assert.equal(
    events.filter((e) => e.kind === "element").length,
    parse(bytes).filter((e) => e.kind === "element").length,
  );
});

// Seed 20261125 case 1573 (pydicomdata__JLSL_RGB_ILV0.dcm, first length set to 65520, pushed
// 59 bytes at a time): each push re-copied the whole waiting File Meta value, quadratic.
Deno.test("DicomParser() reads a 64 KiB File Meta value pushed 1 byte at a time in linear time", () => {
  const meta = concat([
    fileMeta(EXPLICIT_VR_LE),
    explicit(0x00020102, "OB", new Uint8Array(65_000)), // Private Information, 65,000 bytes
  ]);
  const bytes = concat([PREFIX, meta, explicit(0x00080016, "UI", "1.2\0")]);
  const started = performance.now();
  const parser = new DicomParser();
  for (let at = 0; at < bytes.length; at++) parser.push(bytes.subarray(at, at + 1));
  parser.finish();
  // About 0.1 s now; the quadratic copy took over 1 s.
  assert.ok(performance.now() - started < 800, `${(performance.now() - started).toFixed(0)} ms`);
});

Deno.test("ByteQueue.compact() keeps leftovers intact when the caller reuses its buffer", () => {
  const q = new ByteQueue();
  const reference: number[] = [];
  const buffer = new Uint8Array(7);
  let next = 0;
  for (let round = 0; round < 500; round++) {
    const n = 1 + (round % 7);
    for (let i = 0; i < n; i++) buffer[i] = next++ & 0xff;
    q.push(buffer.subarray(0, n));
    reference.push(...buffer.subarray(0, n));
    if (round % 5 === 4) {
      const k = Math.min(q.available, 3);
      assert.deepEqual([...q.take(k)], reference.splice(0, k));
    }
    q.compact();
    buffer.fill(0xee); // the caller refills its buffer after push() returns
  }
  assert.deepEqual([...q.take(q.available)], reference);
});

// Truncation pass, e.g. pydicom__CT_small.dcm cut inside a defined-length sequence: the
// parser closed the sequence silently and the output passed as complete (DCMTK: error).
Deno.test("DicomParser() rejects a defined-length sequence cut at an element boundary", () => {
  const item = definedItem(
    explicit(0x00081150, "UI", "1.2\0"), // Referenced SOP Class UID
    explicit(0x00081155, "UI", "1.2.3\0"), // Referenced SOP Instance UID: cut off below
  );
  const full = part10(
    EXPLICIT_VR_LE,
    explicit(0x00080016, "UI", "1.2\0"),
    explicitHeader(0x00081140, "SQ", item.length), // Referenced Image Sequence, defined length
    item,
  );
  const err = errorAtEveryChunking(full.subarray(0, full.length - 14));
  assert.ok(err instanceof DicomParseError);
  assert.match(
    err.message,
    /^Truncated input: item not closed at offset 0x[0-9A-F]+ in \(0008,1140\)$/,
  );
  assert.doesNotThrow(() => roundTrip(full, 0));
});

/** A Part 10 DICOMDIR with this transfer syntax and dataset. */
function dicomdir(transferSyntax: string, dataset: Uint8Array): Uint8Array {
  return concat([PREFIX, fileMeta(transferSyntax, DICOMDIR_SOP_CLASS, "1.2.3.4"), dataset]);
}

// Directed case (a DICOMDIR in Deflated Explicit VR LE): the encoder threw a TypeError, which
// callers treat as a programming error, for what is bad input.
Deno.test("DicomEncoder() rejects a deflated DICOMDIR with a DicomParseError", () => {
  const dataset = explicit(0x00041130, "CS", "FILESET "); // File-set ID
  const err = errorAtEveryChunking(dicomdir(DEFLATED_EXPLICIT_VR_LE, deflateRawSync(dataset)));
  assert.ok(err instanceof DicomParseError, String(err));
  assert.match(err.message, /^DICOMDIR cannot be deflated at offset 0x[0-9A-F]+$/);
});

// Seed 20261125 case 1822 (pydicom__DICOMDIR, 3 bytes set): a VR code turned unknown was
// re-labelled as a 12-byte-header VR inside a defined-length item, whose length the encoder
// keeps for a DICOMDIR, so the output did not re-parse ("Value length 10 runs past the
// enclosing item").
Deno.test("DicomEncoder() refuses a DICOMDIR whose element would move when rewritten", () => {
  const unknownVr = concat([tagBytes(0x00091000), new TextEncoder().encode("XX"), u16(2), u16(7)]);
  const record = definedItem(unknownVr, explicit(0x00041500, "CS", "IMG1")); // Referenced File ID
  const bytes = dicomdir(
    EXPLICIT_VR_LE,
    concat([explicitHeader(0x00041220, "SQ", record.length), record]), // Directory Record Seq.
  );
  const err = errorAtEveryChunking(bytes);
  assert.ok(err instanceof DicomParseError, String(err));
  assert.match(
    err.message,
    /^DICOMDIR element moves when rewritten at offset 0x[0-9A-F]+ in \(0004,1500\)$/,
  );
  // The same record with a known VR keeps its layout and round-trips.
  const known = definedItem(explicit(0x00091000, "US", u16(7)), explicit(0x00041500, "CS", "IMG1"));
  const good = dicomdir(
    EXPLICIT_VR_LE,
    concat([explicitHeader(0x00041220, "SQ", known.length), known]),
  );
  assert.doesNotThrow(() => parse(roundTrip(good, 0)));
});

// ---- padding: /[\0 ]+$/ is quadratic on a long run of padding followed by another byte ----

// Seed 1 case 1089 (a length set to 65535 let a UI value swallow 64 KiB of zeros): 1.2 s in
// mapUid; 64 KiB of NULs then "1" took 8.5 s, a 1 MiB value (MAX_GATHER) about 35 minutes.
Deno.test("trimPadding() strips pad bytes as the regexps did, in linear time", () => {
  assert.equal(trimPadding("1.2.3\0"), "1.2.3");
  assert.equal(trimPadding(" A B \0 "), " A B");
  assert.equal(trimPadding(" \0A B \0 ", true), "A B");
  assert.equal(trimPadding("\0 \0"), "");
  assert.equal(trimPadding(""), "");
  const long = "\0".repeat(1 << 20) + "1";
  const started = performance.now();
  assert.equal(trimPadding(long).length, long.length);
  assert.equal(trimPadding(long, true), "1");
  assert.equal(mapUid(long, FUZZ_KEY).startsWith("2.25."), true);
  assert.equal(typeof dayShift(FUZZ_KEY, long), "number");
  assert.deepEqual(parseSpecificCharacterSet(long), ["1"]);
  assert.ok(performance.now() - started < 500, `${(performance.now() - started).toFixed(0)} ms`);
});

Deno.test("createDeidentifier() maps a 64 KiB UID of NUL padding in well under a second", () => {
  const started = performance.now();
  const { out } = deidentify(paddedUid(65_534));
  assert.ok(out.length > 0);
  assert.ok(performance.now() - started < 1000, `${(performance.now() - started).toFixed(0)} ms`);
});

// ---- engine memory: state that grew with the number of elements ----

// Directed case (16 MB of 8-byte empty elements): the header holdback counted value bytes
// only, held all 2,000,000 events and ran a 200 MB heap out of memory.
Deno.test("HeaderHoldback.add() releases a header of empty elements after 16,384 events", () => {
  const holdback = new HeaderHoldback();
  let released = 0;
  for (let i = 1; i <= 20_000 && !released; i++) {
    const held = holdback.add({ kind: "element", tag: 0x00180015, vr: "CS", length: 0, offset: 0 });
    if (held) released = i;
  }
  assert.ok(released > 0 && released <= 16_385, `released after ${released} events`);
});

// Directed case (16 MB of distinct private tags): one report row per tag, out of memory.
Deno.test("createDeidentifier() caps the report at MAX_REPORT_TAGS distinct tags", () => {
  const { job } = deidentify(distinctPrivateTags(MAX_REPORT_TAGS + 50));
  const report = job.report();
  assert.equal(new Set(report.tags.map((t) => t.tag)).size, MAX_REPORT_TAGS);
  assert.ok(report.notes?.some((n) => n.startsWith(`More than ${MAX_REPORT_TAGS} distinct tags`)));
  assert.equal(report.actions["delete"], MAX_REPORT_TAGS + 50);
});

// Directed case (800,000 distinct Patient's Names): every removed value was remembered.
Deno.test("createDeidentifier() remembers at most 10,000 removed values", () => {
  const { job } = deidentify(distinctNames(10_050));
  assert.equal(job.wasRemoved("N000000000"), true);
  assert.equal(job.wasRemoved("N000009999"), true);
  assert.equal(job.wasRemoved("N000010049"), false);
});

// ---- File Meta damage ----

/** A file whose first File Meta tag is damaged ((0002,0000) → (0003,0000)): File Meta ends at
 * once and the rest of it lands in the dataset, as in seed 1 cases 3984 and 22861. */
function detachedMeta(): Uint8Array {
  return concat([
    PREFIX,
    explicit(0x00030000, "UL", u32(0)), // the damaged group length
    explicit(0x00020002, "UI", "1.2.840.10008.5.1.4.1.1.7\0"),
    explicit(0x00020003, "UI", "1.2.3.4.5.6.7.8.9\0"), // the original SOP Instance UID
    explicit(0x00020010, "UI", `${DEFLATED_EXPLICIT_VR_LE}\0`), // not what follows
    explicit(0x00020016, "AE", "SENDER_AE "), // Source Application Entity Title
    explicit(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7\0"),
    explicit(0x00080018, "UI", "1.2.3.4.5.6.7.8.9\0"),
    explicit(0x00100010, "PN", "DOE^JANE"),
  ]);
}

/** Top-level elements of the dataset (after metaEnd) in group 0002. */
function metaInDataset(bytes: Uint8Array): number[] {
  const events = parse(bytes);
  const start = events.findIndex((e) => e.kind === "metaEnd");
  return events.slice(start).flatMap((e) =>
    e.kind === "element" && Math.floor(e.tag / 0x10000) === 2 ? [e.tag] : []
  );
}

// Seed 1 case 22861: the dataset's (0002,0010) deflated was taken for File Meta on re-reading
// our output ("Corrupt deflated dataset"); case 3984: output that re-encoded differently.
Deno.test("DicomEncoder() drops File Meta elements found at the top of the dataset", () => {
  const out = roundTrip(detachedMeta(), 0);
  assert.deepEqual(metaInDataset(out), []);
  const metaEnd = parse(out).find((e) => e.kind === "metaEnd");
  assert.equal(metaEnd?.kind === "metaEnd" && metaEnd.encoding.transferSyntax, EXPLICIT_VR_LE);
  assert.deepEqual(roundTrip(out, 0), out);
});

// Seed 1 case 3984 (de-identified): the sender's (0002,0016) and the dataset's other File Meta
// elements passed the engine untouched, past the META_REMOVED list.
Deno.test("createDeidentifier() removes File Meta elements found in the dataset", () => {
  const { out } = deidentify(detachedMeta());
  const text = new TextDecoder("latin1").decode(out);
  assert.equal(text.includes("SENDER_AE"), false);
  assert.equal(text.includes("1.2.3.4.5.6.7.8.9"), false);
  assert.deepEqual(metaInDataset(out), []);
});

// Seed 1 case 67011: a 65,535-byte (0008,0016) of a meta-less file, decoded as UTF-8 into File
// Meta (0002,0002), grew past its 16-bit length when written: the output did not re-parse.
Deno.test("DicomEncoder() copies only UID-shaped values into File Meta", () => {
  const garbage = new Uint8Array(65_534).fill(0xff);
  const bytes = concat([
    explicit(0x00080016, "UI", garbage), // SOP Class UID: no UID at all
    explicit(0x00080018, "UI", "1.2.3\0"),
  ]);
  const out = roundTrip(bytes, 0);
  const meta = parse(out).filter((e) => e.kind === "element" && e.tag < 0x00030000);
  assert.deepEqual(meta.map((e) => e.kind === "element" && e.tag).includes(0x00020002), false);
  assert.ok(meta.some((e) => e.kind === "element" && e.tag === 0x00020003));
});

// Seed 1 case 85894: a (0002,0010) stretched to 65,535 bytes of dataset was kept as the
// transfer syntax and written back UTF-8-expanded, past what File Meta can hold.
Deno.test("DicomParser() reads a file whose Transfer Syntax UID is no UID as if it had none", () => {
  const bytes = part10("NOT-A-UID-\u00ff", explicit(0x00080016, "UI", "1.2\0"));
  const events = parse(bytes);
  const metaEnd = events.find((e) => e.kind === "metaEnd");
  assert.equal(metaEnd?.kind === "metaEnd" && metaEnd.encoding.transferSyntax, EXPLICIT_VR_LE);
  assert.doesNotThrow(() => parse(roundTrip(bytes, 0)));
});

// Reached while fixing the above: an Implicit VR File Meta value of 65,536 bytes, and a UID
// value of 65,534 backslashes whose mapped form is longer, wrapped the 16-bit length.
Deno.test("encodeExplicitLe() writes a File Meta value too long for its VR as UN", () => {
  const implicitMeta = concat([
    PREFIX,
    tagBytes(0x00020013), // Implementation Version Name (SH), Implicit VR: no VR bytes
    u32(65_536),
    new Uint8Array(65_536).fill(0x41),
    explicit(0x00020010, "UI", `${EXPLICIT_VR_LE}\0`),
    explicit(0x00080016, "UI", "1.2\0"),
  ]);
  assert.doesNotThrow(() => parse(roundTrip(implicitMeta, 0)));
  const manyUids = part10(EXPLICIT_VR_LE, explicit(0x00080016, "UI", "1.2\0"));
  const meta = concat([
    PREFIX,
    fileMeta(EXPLICIT_VR_LE).subarray(0, 12), // (0002,0000), value ignored by our reader
    explicit(0x00020003, "UI", "\\".repeat(65_534)), // Media Storage SOP Instance UID
    manyUids.subarray(PREFIX.length + fileMeta(EXPLICIT_VR_LE).length),
  ]);
  assert.doesNotThrow(() => parse(deidentify(meta).out));
});
