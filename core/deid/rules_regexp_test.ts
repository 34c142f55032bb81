import assert from "node:assert/strict";
import { DeidPolicyError } from "./errors.ts";
import { applyRegexp, compileRegexp } from "./rules_regexp.ts";

function policyError(includes: string) {
  return (e: unknown) => e instanceof DeidPolicyError && e.message.includes(includes);
}

Deno.test("applyRegexp() replaces the README's date suffix", () => {
  assert.equal(applyRegexp("20080701", "0701$", "0000"), "20080000");
  assert.equal(applyRegexp("20080702", "0701$", "0000"), "20080702");
});

Deno.test("applyRegexp() replaces every match, like re.sub", () => {
  assert.equal(applyRegexp("a1b22c333", "[0-9]+", "#"), "a#b#c#");
  // Python 3.7+ and JS agree on empty matches next to a match.
  assert.equal(applyRegexp("abxd", "x*", "-"), "-a-b--d-");
});

Deno.test("applyRegexp() reads Python group references in the replacement", () => {
  assert.equal(applyRegexp("DOE^JOHN", "(\\w+)\\^(\\w+)", "\\2 \\1"), "JOHN DOE");
  assert.equal(applyRegexp("20080701", "(\\d{4})(\\d{4})", "\\g<1>0101"), "20080101");
  assert.equal(applyRegexp("20080701", "(?<y>\\d{4})\\d{4}", "\\g<y>0101"), "20080101");
  assert.equal(applyRegexp("ab", "a", "[\\g<0>]"), "[a]b");
  // \10 is group 10, as in Python, not group 1 followed by "0".
  const ten = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)";
  assert.equal(applyRegexp("abcdefghij", ten, "\\10\\1"), "ja");
  // An unmatched group gives "", as in Python 3.5+.
  assert.equal(applyRegexp("b", "(a)|b", "[\\1]"), "[]");
});

Deno.test("applyRegexp() keeps $ literal and reads Python escapes", () => {
  assert.equal(applyRegexp("12", "1", "$1$&$$"), "$1$&$$2");
  assert.equal(applyRegexp("x", "x", "a\\\\b\\tc\\-"), "a\\b\tc\\-");
});

Deno.test("compileRegexp() rejects bad patterns and templates without quoting them", () => {
  const cases: [string, string, string][] = [
    ["(SECRET", "x", "not a valid JavaScript RegExp"],
    ["(?P<n>SECRET)", "x", "(?<name>…)"],
    ["S".repeat(1001), "x", "longer than 1000"],
    ["(SECRET)", "\\2", "refers to group 2; pattern has 1"],
    ["(SECRET)", "\\g<1", "\\g without <number or name>"],
    ["(SECRET)", "\\g<who>", "group name the pattern lacks"],
    ["SECRET", "x\\", "lone backslash"],
    ["SECRET", "\\0", "unsupported escape \\0"],
    ["SECRET", "\\q", "unsupported escape \\q"],
  ];
  for (const [find, replace, message] of cases) {
    assert.throws(() => compileRegexp(find, replace), policyError(message), message);
    assert.throws(() => compileRegexp(find, replace), (e: Error) => !e.message.includes("SECRET"));
  }
});

Deno.test("compileRegexp() accepts a 1,000-character pattern and reuses it", () => {
  const f = compileRegexp("a".repeat(1000), "b");
  assert.equal(f("a".repeat(1000)), "b");
  assert.equal(f("a".repeat(2000)), "bb");
});

Deno.test("applyRegexp() reuses a compiled rule and keeps rules with NUL-joined look-alikes apart", () => {
  assert.equal(applyRegexp("2024-01-02", "(\\d+)-", "\\1/"), "2024/01/02");
  assert.equal(applyRegexp("2025-03-04", "(\\d+)-", "\\1/"), "2025/03/04");
  assert.equal(applyRegexp("a\0b", "a", "\0b"), "\0b\0b");
  assert.equal(applyRegexp("a\0b", "a\0", "b"), "bb");
});
