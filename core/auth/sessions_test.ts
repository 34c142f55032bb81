import assert from "node:assert/strict";
import { SessionStore } from "./sessions.ts";

const MIN = 60_000;

async function withStore(
  f: (store: SessionStore, clock: { t: number }, kv: Deno.Kv) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const clock = { t: Date.UTC(2025, 0, 1) };
  try {
    await f(
      new SessionStore({ kv, clock: () => clock.t, idleMs: 30 * MIN, maxMs: 12 * 60 * MIN }),
      clock,
      kv,
    );
  } finally {
    kv.close();
  }
}

Deno.test("SessionStore.create() returns a 32-byte id and stores only its hash", () =>
  withStore(async (store, _clock, kv) => {
    const { id, session } = await store.create("admin");
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.account, "admin");
    const keys = [];
    for await (const e of kv.list({ prefix: [] })) keys.push(JSON.stringify(e.key));
    assert.equal(keys.length, 1);
    assert.ok(!keys[0].includes(id));
    assert.deepEqual((await store.get(id))?.csrf, session.csrf);
  }));

Deno.test("SessionStore.get() expires a session after the idle timeout", () =>
  withStore(async (store, clock) => {
    const { id } = await store.create("admin");
    clock.t += 29 * MIN;
    assert.ok(await store.get(id), "activity within the idle window");
    clock.t += 29 * MIN;
    assert.ok(await store.get(id), "idle timer was refreshed");
    clock.t += 31 * MIN;
    assert.equal(await store.get(id), null);
  }));

Deno.test("SessionStore.get() expires an active session at the absolute timeout", () =>
  withStore(async (store, clock) => {
    const { id } = await store.create("admin");
    for (let i = 0; i < 12 * 3 - 1; i++) {
      clock.t += 20 * MIN;
      assert.ok(await store.get(id), `still valid after ${(i + 1) * 20} min`);
    }
    clock.t += 21 * MIN;
    assert.equal(await store.get(id), null);
  }));

Deno.test("SessionStore.destroy() and sweep() remove sessions", () =>
  withStore(async (store, clock, kv) => {
    const a = await store.create("admin");
    await store.create("admin");
    await store.destroy(a.id);
    assert.equal(await store.get(a.id), null);
    assert.equal(await store.get("not-a-valid-id"), null);
    clock.t += 31 * MIN;
    assert.equal(await store.sweep(), 1);
    let left = 0;
    for await (const _ of kv.list({ prefix: ["session"] })) left++;
    assert.equal(left, 0);
  }));
