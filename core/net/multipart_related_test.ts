import assert from "node:assert/strict";
import { UploadTooLargeError } from "../limits/errors.ts";
import {
  indexOfBytes,
  MultipartError,
  type MultipartEvent,
  type MultipartOptions,
  MultipartParser,
} from "./multipart_related.ts";

const enc = new TextEncoder();
const B = "b0undary-'()+_,./:=?";

/** What a body splits into: each part's headers and joined bytes, and how it ended. */
interface Split {
  parts: { index: number; headers: Record<string, string>; body: number[] }[];
  closed: boolean;
  error?: Error;
}

/** Runs the parser over `body` pushed in pieces of `size` bytes (each piece a fresh copy). */
function split(body: Uint8Array, size: number, opts: Partial<MultipartOptions> = {}): Split {
  const p = new MultipartParser({ boundary: B, maxParts: 100, ...opts });
  const out: Split = { parts: [], closed: false };
  const take = (events: MultipartEvent[]) => {
    for (const e of events) {
      if (e.kind === "part") {
        out.parts.push({ index: e.index, headers: Object.fromEntries(e.headers), body: [] });
      } else if (e.kind === "data") out.parts.at(-1)!.body.push(...e.bytes);
      else if (e.kind === "close") out.closed = true;
      else if (e.kind === "error") out.error = e.error;
    }
  };
  for (let at = 0; at < body.length; at += size) take(p.push(body.slice(at, at + size)));
  take(p.finish());
  return out;
}

const bytes = (...pieces: (string | Uint8Array)[]) => {
  const all = pieces.map((x) => typeof x === "string" ? enc.encode(x) : x);
  const out = new Uint8Array(all.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of all) (out.set(x, at), at += x.length);
  return out;
};

// Content that looks like the delimiter in every partial way: CR LF, "--", the boundary
// without its CR LF, a prefix of the delimiter, and every byte value.
const TRICKY = bytes(
  `\r\n-\r\n--\r\n--${B.slice(0, 7)}\r\n--${B.slice(0, -1)}--${B}\r--${B}\n--${B}`,
  Uint8Array.from({ length: 256 }, (_, i) => i),
  "\r\n--",
);

const BODY = bytes(
  "preamble text, to be ignored\r\n",
  `--${B}\r\nContent-Type: application/dicom\r\nX-Folded: a\r\n  b\r\n\r\n`,
  TRICKY,
  `\r\n--${B}  \t\r\ncontent-type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n`,
  "\r\n--",
  `\r\n--${B}\r\n\r\n`, // a part with no headers and an empty body
  `\r\n--${B}--\r\nepilogue, ignored too\r\n`,
);

const EXPECTED: Split = {
  parts: [
    {
      index: 1,
      headers: { "content-type": "application/dicom", "x-folded": "a b" },
      body: [...TRICKY],
    },
    {
      index: 2,
      headers: { "content-type": "application/dicom; transfer-syntax=1.2.840.10008.1.2.1" },
      body: [...enc.encode("\r\n--")],
    },
    { index: 3, headers: {}, body: [] },
  ],
  closed: true,
};

Deno.test("MultipartParser splits the same at every chunk size 1..N", () => {
  for (let size = 1; size <= BODY.length; size++) {
    assert.deepEqual(split(BODY, size), EXPECTED, `chunk size ${size}`);
  }
});

Deno.test("MultipartParser reads a first boundary at byte 0 (no preamble)", () => {
  const body = bytes(`--${B}\r\nContent-Type: a/b\r\n\r\nxyz\r\n--${B}--`);
  for (const size of [1, 2, 5, body.length]) {
    const r = split(body, size);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.parts, [{
      index: 1,
      headers: { "content-type": "a/b" },
      body: [120, 121, 122],
    }]);
    assert.ok(r.closed);
  }
});

Deno.test("MultipartParser reports a missing final boundary as a truncated body", () => {
  for (const cut of [`--${B}\r\n\r\nabc`, `--${B}\r\n\r\nabc\r\n--${B}`, `--${B}\r\nContent-`]) {
    for (const size of [1, 3, 1000]) {
      const r = split(bytes(cut), size);
      assert.ok(r.error instanceof MultipartError, `${JSON.stringify(cut)} at ${size}`);
      assert.match(r.error.message, /truncated/);
      assert.equal(r.closed, false);
    }
  }
  const none = split(bytes("no boundary anywhere"), 4);
  assert.match(none.error?.message ?? "", /truncated/);
});

Deno.test("MultipartParser refuses an overlong header line without gathering it", () => {
  const p = new MultipartParser({ boundary: B, maxParts: 10, maxHeaderLine: 100 });
  assert.deepEqual(p.push(bytes(`--${B}\r\nX-Long: `)), []);
  const events = p.push(new Uint8Array(200).fill(0x41));
  assert.equal(events.length, 1);
  assert.ok(events[0].kind === "error" && events[0].error instanceof MultipartError);
  assert.match(events[0].error.message, /header line is longer than 100 bytes/);
  assert.deepEqual(p.push(bytes("\r\n\r\n")), [], "a failed parser ignores the rest");
  assert.deepEqual(p.finish(), []);
});

Deno.test("MultipartParser refuses too many header bytes, bad header lines and boundary lines", () => {
  const many = bytes(`--${B}\r\n`, "A: b\r\n".repeat(50), "\r\n");
  assert.match(split(many, 7, { maxHeaderBytes: 100 }).error?.message ?? "", /more than 100 bytes/);
  assert.match(split(bytes(`--${B}\r\nno colon\r\n\r\n`), 3).error?.message ?? "", /field name/);
  assert.match(split(bytes(`--${B}\r\n folded\r\n\r\n`), 3).error?.message ?? "", /folded/);
  const two = bytes(`--${B}\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\n`);
  assert.match(split(two, 5).error?.message ?? "", /two content-type/);
  for (const line of [`--${B}x\r\n`, `--${B}-x`, `--${B}\r\r\n`, `--${B} x\r\n`]) {
    const r = split(bytes(line, "\r\n\r\n--", B, "--"), 2);
    assert.match(r.error?.message ?? "", /boundary line/, JSON.stringify(line));
  }
});

Deno.test("MultipartParser stops at maxParts + 1 after delivering the parts before it", () => {
  const part = `--${B}\r\nContent-Type: text/plain\r\n\r\nx\r\n`;
  const r = split(bytes(part.repeat(4), `--${B}--`), 1000, { maxParts: 3 });
  assert.equal(r.parts.length, 3);
  assert.deepEqual(r.parts.map((p) => p.body), [[120], [120], [120]]);
  assert.ok(r.error instanceof UploadTooLargeError);
  assert.match(r.error.message, /Multipart body exceeds the limit of 3 parts/);
  const ok = split(bytes(part.repeat(3), `--${B}--`), 1000, { maxParts: 3 });
  assert.equal(ok.error, undefined);
  assert.equal(ok.parts.length, 3);
});

Deno.test("MultipartParser bounds the preamble and the epilogue", () => {
  const body = (pre: number, post: number) =>
    bytes("p".repeat(pre), `\r\n--${B}\r\n\r\nx\r\n--${B}--`, "e".repeat(post));
  assert.equal(split(body(1000, 1000), 64, { maxJunk: 1100 }).error, undefined);
  assert.match(split(body(2000, 0), 64, { maxJunk: 1100 }).error?.message ?? "", /preamble/);
  assert.match(split(body(0, 2000), 64, { maxJunk: 1100 }).error?.message ?? "", /epilogue/);
});

Deno.test("MultipartParser streams a large part as views, carrying less than a delimiter", () => {
  const p = new MultipartParser({ boundary: B, maxParts: 1 });
  const d = `\r\n--${B}`.length;
  p.push(bytes(`--${B}\r\nContent-Type: application/dicom\r\n\r\n`));
  const chunk = new Uint8Array(65536).fill(7);
  chunk[65535] = 0x0d; // ends like a delimiter's start: carried, not emitted
  let out = 0;
  for (let i = 0; i < 128; i++) { // 8 MiB
    const events = p.push(chunk);
    const data = events.filter((e) => e.kind === "data");
    const n = data.reduce((s, e) => s + e.bytes.length, 0);
    assert.ok(n >= chunk.length - d, `chunk ${i}: only ${n} bytes out`);
    // Zero-copy: the big piece is a view of the chunk pushed, not a copy.
    assert.ok(data.some((e) => e.bytes.buffer === chunk.buffer), `chunk ${i} was copied`);
    out += n;
  }
  const end = p.push(bytes(`\r\n--${B}--`));
  out += end.filter((e) => e.kind === "data").reduce((s, e) => s + e.bytes.length, 0);
  assert.equal(out, 128 * 65536);
  assert.deepEqual(end.slice(-2).map((e) => e.kind), ["partEnd", "close"]);
});

Deno.test("indexOfBytes() finds a needle at the edges and not past the end", () => {
  const hay = enc.encode("\r\n--ab\r\n--abc");
  const needle = enc.encode("\r\n--abc");
  assert.equal(indexOfBytes(hay, needle, 0), 6);
  assert.equal(indexOfBytes(hay, needle, 7), -1);
  assert.equal(indexOfBytes(enc.encode("\r\n--ab"), needle, 0), -1);
});
