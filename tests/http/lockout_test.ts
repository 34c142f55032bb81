import assert from "node:assert/strict";
import { PASSWORD, startTestServer, tryLogin } from "./_harness.ts";

const ENV = {
  LOCKOUT_MAX_FAILURES: "3",
  LOCKOUT_WINDOW_MINUTES: "15",
  TRUSTED_PROXIES: "127.0.0.1",
};

/** Starts `_spawn_server.ts` on `dir`; returns its URL and a stop function. */
async function spawnServer(dir: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_spawn_server.ts", import.meta.url).pathname],
    env: { ...ENV, DATA_DIR: dir, LOG_LEVEL: "error" },
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/PORT (\d+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("spawned server exited");
    text += value;
  }
  const port = /PORT (\d+)/.exec(text)![1];
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await child.stdin.close();
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

Deno.test("POST /login locks an IP out after N failures, shared by two processes and a restart", async () => {
  const a = await startTestServer({ env: ENV, clock: { t: Date.now() } });
  const b = await spawnServer(a.dir);
  try {
    assert.equal((await tryLogin(a.url, "wrong-1")).status, 401);
    assert.equal((await tryLogin(b.url, "wrong-2")).status, 401);
    assert.equal((await tryLogin(a.url, "wrong-3")).status, 401);
    const locked = await tryLogin(b.url, PASSWORD);
    assert.equal(locked.status, 429, "the other process sees the shared counter");
    assert.equal(Number(locked.retryAfter), 15 * 60);
    const again = await tryLogin(a.url, PASSWORD);
    assert.equal(again.status, 429);
    assert.ok(Number(again.retryAfter) > 0);
    // A burst at both processes at once: exactly N attempts get to check a password.
    const burst = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        fetch(`${i % 2 ? a.url : b.url}/login`, {
          method: "POST",
          body: new URLSearchParams({ password: "x", username: `user${i}` }),
          headers: { "x-forwarded-for": "192.0.2.77" },
        }).then(async (r) => (await r.body?.cancel(), r.status))),
    );
    assert.equal(burst.filter((s) => s === 401).length, 3, String(burst));
  } finally {
    await b.stop();
    await a.close();
  }
  const restarted = await startTestServer({ env: ENV, dir: a.dir, clock: a.clock });
  try {
    assert.equal(
      (await tryLogin(restarted.url, PASSWORD)).status,
      429,
      "counters survive a restart",
    );
    restarted.clock.t += 16 * 60_000; // the other process stamped the lock with its real clock
    assert.equal((await tryLogin(restarted.url, PASSWORD)).status, 303, "the lock ends");
  } finally {
    await restarted.dispose();
  }
});

Deno.test("POST /login doubles the IP lock on a repeat lockout", async () => {
  const t = await startTestServer({ env: ENV });
  try {
    for (let i = 0; i < 3; i++) await tryLogin(t.url, "wrong");
    assert.equal((await tryLogin(t.url, "wrong")).retryAfter, String(15 * 60));
    t.clock.t += 15 * 60_000;
    for (let i = 0; i < 3; i++) {
      t.clock.t += 61_000; // past the account delay: only the IP rule bites
      assert.equal((await tryLogin(t.url, "wrong")).status, 401);
    }
    assert.equal((await tryLogin(t.url, "wrong")).retryAfter, String(30 * 60));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login only delays the account, so other IPs can still get in", async () => {
  const t = await startTestServer({ env: { ...ENV, TRUSTED_PROXIES: "127.0.0.1" } });
  try {
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    for (let i = 1; i <= 3; i++) {
      assert.equal((await tryLogin(t.url, "wrong", from(`198.51.100.${i}`))).status, 401);
    }
    const delayed = await tryLogin(t.url, PASSWORD, from("203.0.113.1"));
    assert.equal(delayed.status, 429);
    assert.equal(delayed.retryAfter, "1", "a short per-account delay, not a lock");
    t.clock.t += 1000;
    assert.equal((await tryLogin(t.url, PASSWORD, from("203.0.113.1"))).status, 303);
    assert.equal((await tryLogin(t.url, "wrong", from("6.6.6.6, 127.0.0.1"))).status, 401);
  } finally {
    await t.dispose();
  }
});
