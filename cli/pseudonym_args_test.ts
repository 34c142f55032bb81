import assert from "node:assert/strict";
import { parseAnonymizeArgs, UsageError } from "./args.ts";

Deno.test("parseAnonymizeArgs() takes --pseudonyms and --prefix", () => {
  const a = parseAnonymizeArgs(["in", "out", "--pseudonyms", "sequential", "--prefix=SITE"]);
  assert.equal(a.pseudonyms, "sequential");
  assert.equal(a.prefix, "SITE");
  assert.equal(parseAnonymizeArgs(["--pseudonyms=hash", "in", "out"]).pseudonyms, "hash");
});

Deno.test("parseAnonymizeArgs() refuses bad pseudonym arguments as usage errors", () => {
  const cases: [string[], RegExp][] = [
    [["--pseudonyms", "random"], /--pseudonyms takes hash or sequential/],
    [["--pseudonyms", "sequential"], /needs --prefix/],
    [["--prefix", "SITE"], /--prefix needs --pseudonyms sequential/],
    [["--pseudonyms", "hash", "--prefix", "SITE"], /--prefix needs/],
    [["--pseudonyms", "sequential", "--prefix", "ABCDEFGHIJ"], /--prefix: .*1 to 9/],
    [["--pseudonyms", "sequential", "--prefix", "-X"], /--prefix: /],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseAnonymizeArgs(["in", "out", ...argv]), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, message);
      return true;
    });
  }
});
