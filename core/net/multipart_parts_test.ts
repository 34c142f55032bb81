import assert from "node:assert/strict";
import { UploadTooLargeError } from "../limits/errors.ts";
import { MultipartError } from "./multipart_related.ts";
import { relatedParts } from "./multipart_parts.ts";

const enc = new TextEncoder();
const B = "xyz";

/** The body as a source that yields `size`-byte chunks and counts how many were pulled. */
function source(text: string, size: number) {
  const body = enc.encode(text);
  const pulled = { n: 0 };
  async function* gen() {
    for (let at = 0; at < body.length; at += size) {
      pulled.n++;
      yield body.slice(at, at + size);
    }
  }
  return { gen: gen(), pulled, chunks: Math.ceil(body.length / size) };
}

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  let s = "";
  for await (const c of body) s += new TextDecoder().decode(c);
  return s;
}

const part = (body: string, type = "application/dicom") =>
  `--${B}\r\nContent-Type: ${type}\r\n\r\n${body}\r\n`;

Deno.test("relatedParts() yields parts in order and skips bodies left unread", async () => {
  const s = source(part("one") + part("two", "text/plain") + part("three") + `--${B}--\r\n`, 3);
  const seen: string[] = [];
  for await (const p of relatedParts(s.gen, { boundary: B, maxParts: 10 })) {
    if (p.headers.get("content-type") === "text/plain") continue; // not read at all
    if (p.index === 3) {
      for await (const _ of p.body) break; // read one chunk, then stop
      seen.push("3:partial");
    } else seen.push(`${p.index}:${await text(p.body)}`);
  }
  assert.deepEqual(seen, ["1:one", "3:partial"]);
  assert.equal(s.pulled.n, s.chunks, "the epilogue is read to the end");
});

Deno.test("relatedParts() pulls no chunk ahead of the consumer", async () => {
  const s = source(part("a".repeat(100)) + `--${B}--`, 10);
  const parts = relatedParts(s.gen, { boundary: B, maxParts: 10 });
  const first = await parts.next();
  assert.ok(!first.done);
  const pulledAtHeaders = s.pulled.n;
  const body = first.value.body[Symbol.asyncIterator]();
  await body.next();
  assert.ok(s.pulled.n <= pulledAtHeaders + 1, `${s.pulled.n} chunks pulled for one`);
  await parts.return(undefined);
});

Deno.test("relatedParts() throws a truncation inside the body being read", async () => {
  const s = source(part("complete") + `--${B}\r\nContent-Type: application/dicom\r\n\r\ncut`, 4);
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const p of relatedParts(s.gen, { boundary: B, maxParts: 10 })) {
      got.push(await text(p.body));
    }
  }, (err) => err instanceof MultipartError && /truncated/.test(err.message));
  assert.deepEqual(got, ["complete"]);
});

Deno.test("relatedParts() throws too many parts when the next part is asked for", async () => {
  const s = source(part("1") + part("2") + part("3") + `--${B}--`, 5);
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const p of relatedParts(s.gen, { boundary: B, maxParts: 2 })) {
      got.push(await text(p.body));
    }
  }, UploadTooLargeError);
  assert.deepEqual(got, ["1", "2"]);
});
