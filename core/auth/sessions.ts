/**
 * Login sessions in Deno KV, so every server process on the same KV answers for them. The
 * cookie carries a random 32-byte id; KV keys hold only its SHA-256, so a copy of the KV
 * file does not yield live cookies. Expiry is checked on every read from `expiresAt`
 * (KV's `expireIn` is lazy, TOOLCHAIN §4).
 */
import { createHash, randomBytes } from "node:crypto";
import { atomicUpdate, type Clock, expiry, withKvRetry } from "../kv/retry.ts";

/** A stored session; `csrf` is the token its forms and scripted calls must echo. */
export interface Session {
  readonly account: string;
  readonly csrf: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** min(lastSeenAt + idle, createdAt + max). */
  readonly expiresAt: number;
}

/** Construction options of {@link SessionStore}. */
export interface SessionStoreOptions {
  readonly kv: Deno.Kv;
  readonly clock: Clock;
  /** SESSION_IDLE_MINUTES in ms. */
  readonly idleMs: number;
  /** SESSION_MAX_HOURS in ms. */
  readonly maxMs: number;
}

const PREFIX = "session";
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Refreshing lastSeenAt on every request would write KV per request; a minute of slack in the
// idle timeout is a fair price.
const TOUCH_AFTER_MS = 60_000;

/** Sessions with idle and absolute timeouts over an injected KV and clock. */
export class SessionStore {
  readonly #o: SessionStoreOptions;

  constructor(options: SessionStoreOptions) {
    this.#o = options;
  }

  /** Starts a session; returns the cookie value (the only copy of the id) and the session. */
  async create(account: string): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString("base64url");
    const now = this.#o.clock();
    const session: Session = {
      account,
      csrf: randomBytes(32).toString("base64url"),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: Math.min(now + this.#o.idleMs, now + this.#o.maxMs),
    };
    await withKvRetry(() => this.#o.kv.set(key(id), session, expiry(this.#o.maxMs)));
    return { id, session };
  }

  /** The live session for a cookie value, refreshing its idle timer; null when absent/expired. */
  async get(id: string | undefined): Promise<Session | null> {
    if (id === undefined || !ID_PATTERN.test(id)) return null;
    const now = this.#o.clock();
    return await atomicUpdate<Session, Session | null>(this.#o.kv, key(id), (s) => {
      if (s === null) return { value: undefined, result: null };
      if (s.expiresAt <= now) return { value: null, result: null };
      if (now - s.lastSeenAt < TOUCH_AFTER_MS) return { value: undefined, result: s };
      const touched = {
        ...s,
        lastSeenAt: now,
        expiresAt: Math.min(now + this.#o.idleMs, s.createdAt + this.#o.maxMs),
      };
      return { value: touched, result: touched, expireInMs: touched.expiresAt - now };
    });
  }

  /** Ends one session (logout). */
  async destroy(id: string | undefined): Promise<void> {
    if (id === undefined || !ID_PATTERN.test(id)) return;
    await withKvRetry(() => this.#o.kv.delete(key(id)));
  }

  /** Ends every session of `account` (password reset); returns how many there were. */
  async destroyAccount(account: string): Promise<number> {
    return await this.#deleteWhere((s) => s.account === account);
  }

  /** Deletes expired sessions (KV's own expiry is lazy); returns how many. */
  async sweep(): Promise<number> {
    const now = this.#o.clock();
    return await this.#deleteWhere((s) => s.expiresAt <= now);
  }

  async #deleteWhere(match: (s: Session) => boolean): Promise<number> {
    let n = 0;
    for await (const entry of this.#o.kv.list<Session>({ prefix: [PREFIX] })) {
      if (!match(entry.value)) continue;
      await withKvRetry(() => this.#o.kv.atomic().check(entry).delete(entry.key).commit());
      n++;
    }
    return n;
  }
}

function key(id: string): Deno.KvKey {
  return [PREFIX, createHash("sha256").update(id).digest().toString("base64url")];
}
