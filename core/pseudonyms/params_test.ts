import assert from "node:assert/strict";
import { parseAnonymizeParams } from "../anonymize/params.ts";
import { DeidPolicyError } from "../deid/errors.ts";
import { parsePseudonymParams } from "./params.ts";

const q = (s: string) => new URLSearchParams(s);

Deno.test("parsePseudonymParams() reads hash and sequential with its prefix", () => {
  assert.deepEqual(parsePseudonymParams(q("")), {});
  assert.deepEqual(parsePseudonymParams(q("pseudonyms=hash")), { pseudonyms: "hash" });
  assert.deepEqual(parsePseudonymParams(q("pseudonyms=sequential&prefix=SITE")), {
    pseudonyms: "sequential",
    prefix: "SITE",
  });
  const params = parseAnonymizeParams(q("profile=ps315-basic&pseudonyms=sequential&prefix=S1"));
  assert.equal(params.pseudonyms, "sequential");
  assert.equal(params.prefix, "S1");
});

Deno.test("parsePseudonymParams() refuses what the CLI refuses", () => {
  for (
    const bad of [
      "pseudonyms=random",
      "pseudonyms=sequential",
      "prefix=SITE",
      "pseudonyms=hash&prefix=SITE",
      "pseudonyms=sequential&prefix=TOO-LONG-PREFIX",
      "pseudonyms=hash&pseudonyms=hash",
    ]
  ) {
    assert.throws(() => parsePseudonymParams(q(bad)), DeidPolicyError, bad);
  }
});
