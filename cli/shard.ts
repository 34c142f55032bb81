/**
 * `--shard i/n`: n machines (or runs) each take a disjoint, stable subset of IN's files, and
 * together take them all. A file's shard depends on its path relative to IN only, so adding
 * or removing other files never moves it, and every machine agrees wherever IN is mounted.
 */
import { createHash } from "node:crypto";

/** One shard of n: `index` is 1-based, as written on the command line. */
export interface Shard {
  index: number;
  count: number;
}

/** Largest n accepted: a guard against typos, far above any realistic number of machines. */
export const MAX_SHARDS = 65536;

/** Parses `i/n` (1 ≤ i ≤ n ≤ {@link MAX_SHARDS}); throws `RangeError` otherwise. */
export function parseShard(spec: string): Shard {
  const m = /^([1-9]\d{0,5})\/([1-9]\d{0,5})$/.exec(spec);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index > count || count > MAX_SHARDS) {
    throw new RangeError(
      `--shard takes i/n with 1 <= i <= n <= ${MAX_SHARDS}, e.g. 2/4 (got ${JSON.stringify(spec)})`,
    );
  }
  return { index, count };
}

/**
 * The 1-based shard of a relative path (`/` separators) among `count`: the first 4 bytes of
 * SHA-256 of its NFC form, mod `count`. NFC because macOS may hand out decomposed names for
 * the same file that Linux lists composed; SHA-256 because it is the same on every platform
 * and spreads similar names (`IM0001`, `IM0002`) evenly.
 */
export function shardOf(rel: string, count: number): number {
  const digest = createHash("sha256").update(rel.normalize("NFC"), "utf8").digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** True when `rel` belongs to `shard`. */
export function inShard(rel: string, shard: Shard): boolean {
  return shardOf(rel, shard.count) === shard.index;
}

/** `i/n`, as shown in notes and reports. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
