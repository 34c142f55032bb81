/**
 * Deno KV transactions that survive a shared file. Two processes on one KV file see
 * `TypeError: database is locked` on ~8% of get+check+set commits (TOOLCHAIN §4), and a
 * `check()` fails whenever another writer got in first: both mean "try again".
 */

/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

const MAX_ATTEMPTS = 60;

/** True for SQLite's busy error as Deno KV reports it. */
export function isDatabaseLocked(err: unknown): boolean {
  return err instanceof Error && /database is locked/i.test(err.message);
}

/** Runs `op`, retrying with a small random backoff while the KV file is locked. */
export async function withKvRetry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isDatabaseLocked(err) || attempt >= MAX_ATTEMPTS) throw err;
      await pause(attempt);
    }
  }
}

/** What an {@link atomicUpdate} step decides: the new value (or delete) and a result. */
export interface UpdateStep<V, R> {
  /** New value; `null` deletes the key; `undefined` leaves it unchanged. */
  value: V | null | undefined;
  result: R;
  /** Lets KV drop the entry eventually; readers still check their own `expiresAt`. */
  expireInMs?: number;
}

/**
 * Read-modify-write of one key with optimistic concurrency: reads, lets `step` decide, commits
 * with a versionstamp check, and repeats on conflict or lock. `step` must be pure.
 */
export async function atomicUpdate<V, R>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  step: (current: V | null) => UpdateStep<V, R>,
): Promise<R> {
  for (let attempt = 1;; attempt++) {
    const outcome = await withKvRetry(async () => {
      const entry = await kv.get<V>(key);
      const next = step(entry.value);
      if (next.value === undefined) return { done: true, result: next.result };
      const op = kv.atomic().check(entry);
      if (next.value === null) op.delete(key);
      else op.set(key, next.value, expiry(next.expireInMs));
      const res = await op.commit();
      return { done: res.ok, result: next.result };
    });
    if (outcome.done) return outcome.result;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`KV update kept conflicting on ${String(key[0])}`);
    await pause(attempt);
  }
}

/** `set` options for an optional lazy expiry (never below 1 s). */
export function expiry(ms: number | undefined): { expireIn?: number } {
  return ms === undefined ? {} : { expireIn: Math.max(1000, Math.ceil(ms)) };
}

function pause(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
