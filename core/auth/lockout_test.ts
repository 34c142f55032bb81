import assert from "node:assert/strict";
import { Lockout } from "./lockout.ts";

const MIN = 60_000;

async function withLockout(f: (l: Lockout, clock: { t: number }, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  const clock = { t: Date.UTC(2025, 0, 1) };
  try {
    await f(
      new Lockout({ kv, clock: () => clock.t, maxFailures: 3, windowMs: 15 * MIN }),
      clock,
      kv,
    );
  } finally {
    kv.close();
  }
}

Deno.test("Lockout.attempt() locks an IP after maxFailures attempts in the window", () =>
  withLockout(async (l, clock) => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await l.attempt("192.0.2.1", "admin")).allowed, true);
      clock.t += 2 * MIN; // past the account backoff, so only the IP rule bites
    }
    const v = await l.attempt("192.0.2.1", "admin");
    assert.equal(v.allowed, false);
    assert.equal(v.allowed === false && v.scope, "ip");
    assert.equal(v.allowed === false && v.retryAfterMs, 15 * MIN);
    clock.t += 10 * MIN;
    const later = await l.attempt("192.0.2.1", "admin");
    assert.equal(later.allowed === false && later.retryAfterMs, 5 * MIN);
  }));

Deno.test("Lockout.attempt() doubles the IP lock on repeats", () =>
  withLockout(async (l, clock) => {
    const lockOnce = async () => {
      let v;
      do {
        v = await l.attempt("192.0.2.9", `acct${clock.t}`);
        clock.t += 1;
      } while (v.allowed);
      return v.allowed === false ? v.retryAfterMs : 0;
    };
    assert.equal(await lockOnce(), 15 * MIN);
    clock.t += 15 * MIN;
    assert.equal(await lockOnce(), 30 * MIN);
    clock.t += 30 * MIN;
    assert.equal(await lockOnce(), 60 * MIN);
  }));

Deno.test("Lockout.attempt() only delays an account, never locks it", () =>
  withLockout(async (l, clock) => {
    for (let i = 0; i < 3; i++) await l.attempt(`198.51.100.${i}`, "admin");
    const v = await l.attempt("203.0.113.7", "admin");
    assert.equal(v.allowed === false && v.scope, "account");
    assert.equal(v.allowed === false && v.retryAfterMs, 1000);
    clock.t += 1000;
    assert.equal((await l.attempt("203.0.113.7", "admin")).allowed, true);
    const v2 = await l.attempt("203.0.113.8", "admin");
    assert.equal(v2.allowed === false && v2.retryAfterMs, 2000, "delay doubles");
    clock.t += 2000;
    assert.equal((await l.attempt("203.0.113.8", "admin")).allowed, true);
  }));

Deno.test("Lockout.succeeded() clears the counters", () =>
  withLockout(async (l) => {
    await l.attempt("192.0.2.1", "admin");
    await l.attempt("192.0.2.1", "admin");
    await l.succeeded("192.0.2.1", "admin");
    for (let i = 0; i < 3; i++) {
      assert.equal((await l.attempt("192.0.2.1", "other")).allowed, true);
    }
  }));

Deno.test("Lockout.attempt() counts parallel attempts exactly", () =>
  withLockout(async (l) => {
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => l.attempt("192.0.2.50", `a${i}`)),
    );
    assert.equal(verdicts.filter((v) => v.allowed).length, 3);
  }));
