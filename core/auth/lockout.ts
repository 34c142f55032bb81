/**
 * Brute-force lockout for logins, shared through KV by every server process. Each attempt is
 * counted *before* its password is checked, in one transaction over the IP and account
 * records, so a burst of parallel guesses cannot slip past the limit.
 * - Per client IP: more than `maxFailures` attempts in the window → locked for the window,
 *   doubling on each repeat lock (capped at a day).
 * - Per account: after `maxFailures` failures, each attempt must wait a doubling delay
 *   (1 s … 60 s) after the last; never a hard lock, so a stranger cannot lock the admin out.
 */
import { type Clock, withKvRetry } from "../kv/retry.ts";

/** Construction options of {@link Lockout}. */
export interface LockoutOptions {
  readonly kv: Deno.Kv;
  readonly clock: Clock;
  /** LOCKOUT_MAX_FAILURES. */
  readonly maxFailures: number;
  /** LOCKOUT_WINDOW_MINUTES in ms: counting window and first lock length. */
  readonly windowMs: number;
}

/** Whether a login attempt may check its password, else how long to wait. */
export type LockoutVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly scope: "ip" | "account"; readonly retryAfterMs: number };

interface IpRecord {
  attempts: number;
  windowStart: number;
  lockedUntil: number;
  locks: number;
  expiresAt: number;
}
interface AccountRecord {
  failures: number;
  lastAt: number;
  expiresAt: number;
}

const MAX_LOCK_MS = 24 * 3600_000;
const ACCOUNT_BASE_DELAY_MS = 1000;
const ACCOUNT_MAX_DELAY_MS = 60_000;
// Repeat locks escalate while the IP's record lives: a day after its last lock ends.
const IP_MEMORY_MS = 24 * 3600_000;

/** Login throttling per IP and per account over an injected KV and clock. */
export class Lockout {
  readonly #o: LockoutOptions;

  constructor(options: LockoutOptions) {
    this.#o = options;
  }

  /** Registers an attempt; when allowed, it counts as a failure until {@link succeeded}. */
  async attempt(ip: string, account: string): Promise<LockoutVerdict> {
    const { kv, clock, maxFailures, windowMs } = this.#o;
    const ipKey = ["lockout", "ip", ip];
    const accountKey = ["lockout", "account", account];
    for (;;) {
      const [ipEntry, accEntry] = await withKvRetry(() =>
        kv.getMany<[IpRecord, AccountRecord]>([ipKey, accountKey])
      );
      const now = clock();
      const ipRec = live(ipEntry.value, now) ?? fresh(now);
      const acc = live(accEntry.value, now) ?? { failures: 0, lastAt: 0, expiresAt: 0 };
      let verdict: LockoutVerdict = { allowed: true };
      if (ipRec.lockedUntil > now) {
        verdict = { allowed: false, scope: "ip", retryAfterMs: ipRec.lockedUntil - now };
      } else {
        if (ipRec.windowStart + windowMs <= now) {
          Object.assign(ipRec, { attempts: 0, windowStart: now });
        }
        ipRec.attempts++;
        if (ipRec.attempts > maxFailures) {
          ipRec.locks++;
          const lockMs = Math.min(windowMs * 2 ** (ipRec.locks - 1), MAX_LOCK_MS);
          Object.assign(ipRec, { attempts: 0, windowStart: now, lockedUntil: now + lockMs });
          verdict = { allowed: false, scope: "ip", retryAfterMs: lockMs };
        } else {
          const delay = accountDelay(acc.failures, maxFailures);
          const wait = acc.lastAt + delay - now;
          if (delay > 0 && wait > 0) {
            ipRec.attempts--; // not checked, so not counted against the IP either
            verdict = { allowed: false, scope: "account", retryAfterMs: wait };
          }
        }
      }
      ipRec.expiresAt = Math.max(ipRec.lockedUntil, ipRec.windowStart + windowMs) + IP_MEMORY_MS;
      const op = kv.atomic().check(ipEntry, accEntry).set(ipKey, ipRec, ttl(ipRec, now));
      if (verdict.allowed) {
        const next = { failures: acc.failures + 1, lastAt: now, expiresAt: now + windowMs };
        op.set(accountKey, next, ttl(next, now));
      }
      const res = await withKvRetry(() => op.commit());
      if (res.ok) return verdict;
    }
  }

  /** The password was right: clears the attempt counters of this IP and account. */
  async succeeded(ip: string, account: string): Promise<void> {
    const { kv } = this.#o;
    const ipKey = ["lockout", "ip", ip];
    for (;;) {
      const entry = await withKvRetry(() => kv.get<IpRecord>(ipKey));
      const op = kv.atomic().check(entry).delete(["lockout", "account", account]);
      // Keep the repeat-lock count: a success does not excuse earlier lockouts.
      if (entry.value !== null) op.set(ipKey, { ...entry.value, attempts: 0 });
      if ((await withKvRetry(() => op.commit())).ok) return;
    }
  }
}

function accountDelay(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(ACCOUNT_BASE_DELAY_MS * 2 ** (failures - maxFailures), ACCOUNT_MAX_DELAY_MS);
}

function live<T extends { expiresAt: number }>(rec: T | null, now: number): T | null {
  return rec !== null && rec.expiresAt > now ? { ...rec } : null;
}

function fresh(now: number): IpRecord {
  return { attempts: 0, windowStart: now, lockedUntil: 0, locks: 0, expiresAt: 0 };
}

function ttl(rec: { expiresAt: number }, now: number): { expireIn: number } {
  return { expireIn: Math.max(1000, rec.expiresAt - now) };
}
