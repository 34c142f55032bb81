import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { HashTap } from "./hash_tap.ts";
import { createDeidentifier } from "../deid/mod.ts";
import { concat } from "../dicom/file_meta.ts";
import { CHUNK_SIZES, chunked } from "../../tests/support/run_codec.ts";
import { TEST_KEY } from "../../tests/support/anonymize_tree.ts";

const HASH_KEY = new Uint8Array(32).fill(9);

Deno.test("HashTap() digests what went in and what came out, at every chunking", () => {
  const input = Deno.readFileSync(
    new URL("../../tests/fixtures/corpus/pydicom__rtplan.dcm", import.meta.url),
  );
  const deid = createDeidentifier({ key: TEST_KEY });
  const inputHmac = createHmac("sha256", HASH_KEY).update(input).digest("hex");
  let first: string | undefined;
  for (const size of CHUNK_SIZES) {
    const tap = new HashTap(deid.start().pipeline, HASH_KEY);
    const out: Uint8Array[] = [];
    for (const chunk of chunked(input, size)) out.push(...tap.push(chunk).map((c) => c.slice()));
    out.push(...tap.finish().map((c) => c.slice()));
    const bytes = concat(out);
    const d = tap.digests();
    assert.equal(d.outputSha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(d.outputBytes, bytes.length);
    assert.equal(d.inputHmac, inputHmac);
    assert.equal(d.inputBytes, input.length);
    first ??= d.outputSha256;
    assert.equal(d.outputSha256, first, `chunk ${size}`);
    assert.deepEqual(tap.digests(), d, "digests are frozen once taken");
  }
});

Deno.test("HashTap() over a refilled read buffer hashes each chunk before it is reused", () => {
  const identity = { push: (c: Uint8Array) => [c.slice()], finish: () => [] };
  const tap = new HashTap(identity, HASH_KEY);
  const buf = new Uint8Array(4);
  const whole = new TextEncoder().encode("abcdefgh");
  for (let at = 0; at < whole.length; at += 4) {
    buf.set(whole.subarray(at, at + 4));
    tap.push(buf);
  }
  tap.finish();
  assert.equal(tap.digests().inputHmac, createHmac("sha256", HASH_KEY).update(whole).digest("hex"));
  assert.equal(tap.digests().outputSha256, createHash("sha256").update(whole).digest("hex"));
});
