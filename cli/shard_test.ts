import assert from "node:assert/strict";
import { parseAnonymizeArgs, UsageError } from "./args.ts";
import { formatShard, inShard, MAX_SHARDS, parseShard, shardOf } from "./shard.ts";

const paths = (n: number, prefix = "p") =>
  Array.from({ length: n }, (_, i) => `${prefix}${i % 7}/series/IM${String(i).padStart(5, "0")}`);

Deno.test("parseShard() reads i/n with 1 <= i <= n", () => {
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  assert.deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  assert.deepEqual(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`), {
    index: MAX_SHARDS,
    count: MAX_SHARDS,
  });
  assert.equal(formatShard(parseShard("2/5")), "2/5");
});

Deno.test("parseShard() refuses malformed or out-of-range specs", () => {
  const bad = ["", "0/3", "4/3", "1/0", "1", "1/", "/3", "a/b", "1/3/4", "+1/3", "-1/3", " 1/3"];
  for (const spec of [...bad, "1.5/3", "01/3", `1/${MAX_SHARDS + 1}`, "1/99999999999"]) {
    assert.throws(() => parseShard(spec), RangeError, spec);
  }
});

Deno.test("parseAnonymizeArgs() turns a bad --shard into a UsageError", () => {
  assert.deepEqual(parseAnonymizeArgs(["--shard", "2/3", "in", "out"]).shard, {
    index: 2,
    count: 3,
  });
  assert.deepEqual(parseAnonymizeArgs(["--shard=1/2", "in", "out"]).shard, {
    index: 1,
    count: 2,
  });
  assert.throws(() => parseAnonymizeArgs(["--shard", "3/2", "in", "out"]), UsageError);
  assert.throws(() => parseAnonymizeArgs(["in", "out", "--shard"]), UsageError);
});

Deno.test("shardOf() puts every path in exactly one shard", () => {
  for (const n of [1, 2, 3, 5, 16]) {
    for (const rel of paths(200)) {
      const owners = Array.from({ length: n }, (_, i) => i + 1)
        .filter((i) => inShard(rel, { index: i, count: n }));
      assert.deepEqual(owners, [shardOf(rel, n)]);
    }
  }
});

Deno.test("shardOf() does not move a file when other files are added", () => {
  const before = new Map(paths(300).map((rel) => [rel, shardOf(rel, 4)]));
  const grown = [...paths(1000, "new"), ...before.keys()];
  for (const rel of grown) {
    if (before.has(rel)) assert.equal(shardOf(rel, 4), before.get(rel));
  }
});

Deno.test("shardOf() spreads similar names evenly", () => {
  const counts = [0, 0, 0, 0];
  for (const rel of paths(4000)) counts[shardOf(rel, 4) - 1]++;
  // 1000 expected per shard; binomial sd ≈ 27, so ±150 only fails for a broken hash.
  for (const c of counts) assert.ok(c > 850 && c < 1150, `counts ${counts}`);
});

Deno.test("shardOf() gives composed and decomposed spellings the same shard", () => {
  const composed = "Pati\u00e9nt/IM1"; // é as one code point (Linux)
  const decomposed = "Patie\u0301nt/IM1"; // e + combining acute (macOS HFS+)
  for (const n of [2, 3, 7, 101]) assert.equal(shardOf(composed, n), shardOf(decomposed, n));
});

Deno.test("shardOf() is pinned: the same path maps to the same shard in every release", () => {
  // Machines running different versions must agree; changing the hash is a breaking change.
  // Expected values from Python, independently: int.from_bytes(sha256(rel)[:4], "big") % 7 + 1.
  assert.deepEqual(
    ["a.dcm", "study/series/IM00001", "x/y/z.dcm"].map((r) => shardOf(r, 7)),
    [5, 7, 1],
  );
});
