/**
 * Auth attacks against a real server: password spraying across usernames and spoofed
 * `X-Forwarded-For`, account enumeration by timing, session fixation, CSRF, and secrets in
 * the logs (every test greps the log lines the server wrote).
 */
import assert from "node:assert/strict";
import { login, PASSWORD, startTestServer, type TestServer, TOKEN } from "../http/_harness.ts";
import { AUTH, createBatch } from "../http/_batches.ts";

const CT = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);

/** One login attempt; returns status, Retry-After and the new session cookie, if any. */
async function attempt(
  t: TestServer,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${t.url}/login`, {
    method: "POST",
    body: new URLSearchParams(form),
    headers,
    redirect: "manual",
  });
  await res.body?.cancel();
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  return { status: res.status, retryAfter: res.headers.get("retry-after"), cookie };
}

/** Fails when any secret appears in any log line the server wrote. */
function assertNoSecrets(t: TestServer, secrets: string[]) {
  for (const line of t.logs) {
    for (const s of secrets) assert.ok(!line.includes(s), `a secret is in the log: ${line}`);
  }
}

Deno.test("POST /login spraying usernames and X-Forwarded-For hits the IP limit unless a trusted proxy sent it", async () => {
  // No TRUSTED_PROXIES, then a proxy list that does not include us: XFF means nothing.
  for (const proxies of ["", "192.0.2.254"]) {
    const t = await startTestServer({
      env: { LOCKOUT_MAX_FAILURES: "3", TRUSTED_PROXIES: proxies },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        const r = await attempt(t, { username: `user${i}`, password: `spray-${i}` }, {
          "x-forwarded-for": `198.51.100.${i + 1}`,
        });
        statuses.push(r.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429], `TRUSTED_PROXIES=${proxies}`);
      const real = await attempt(t, { password: PASSWORD }, { "x-forwarded-for": "203.0.113.7" });
      assert.equal(real.status, 429, "even the right password waits out the lock");
      assertNoSecrets(t, [PASSWORD, "spray-"]);
    } finally {
      await t.dispose();
    }
  }
});

Deno.test("POST /login behind a trusted proxy limits each client IP and delays a sprayed account", async () => {
  const t = await startTestServer({
    env: { LOCKOUT_MAX_FAILURES: "3", TRUSTED_PROXIES: "127.0.0.1" },
  });
  try {
    // Many usernames from one client: the IP limit.
    const from = { "x-forwarded-for": "203.0.113.9" };
    const oneIp = [];
    for (let i = 0; i < 5; i++) {
      oneIp.push((await attempt(t, { username: `u${i}`, password: `spray-${i}` }, from)).status);
    }
    assert.deepEqual(oneIp, [401, 401, 401, 429, 429]);
    // Prepending a made-up hop does not help: the first untrusted hop from the right counts.
    const spoofed = await attempt(t, { password: "spray-x" }, {
      "x-forwarded-for": "10.1.2.3, 203.0.113.9",
    });
    assert.equal(spoofed.status, 429);
    // One account from many IPs: each IP is fresh, but the account backs off.
    const manyIps = [];
    for (let i = 0; i < 5; i++) {
      const r = await attempt(t, { password: `spray-${i}` }, {
        "x-forwarded-for": `198.51.100.${i + 1}`,
      });
      manyIps.push(r.status);
      if (r.status === 429) assert.ok(Number(r.retryAfter) >= 1);
    }
    assert.deepEqual(manyIps, [401, 401, 401, 429, 429]);
    assertNoSecrets(t, [PASSWORD, "spray-"]);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login takes as long for an unknown account as for a wrong password", async () => {
  const t = await startTestServer({ env: { LOCKOUT_MAX_FAILURES: "1000" } });
  try {
    const time = async (username: string) => {
      const start = performance.now();
      const r = await attempt(t, { username, password: "not-the-password" });
      assert.equal(r.status, 401);
      return performance.now() - start;
    };
    await time("admin"); // warm-up: the unknown-account path derives its dummy hash once
    await time("ghost-warm");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 20; i++) { // interleaved, so load changes hit both alike
      known.push(await time("admin"));
      unknown.push(await time(`ghost${i}`));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [k, u] = [mean(known), mean(unknown)];
    console.log(`mean failure time: existing ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`);
    // Both pay one PBKDF2 derivation (~100 ms); skipping it would make unknown ≪ existing.
    // Generous: CI machines are noisy, and a missing derivation is a factor of 10 or more.
    assert.ok(u > k * 0.6 && u < k * 1.6, `existing ${k} ms vs unknown ${u} ms`);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login issues a new session id and never adopts one the client brought", async () => {
  const t = await startTestServer();
  try {
    const planted = "A".repeat(43); // well-formed, as an attacker would plant it
    const r = await attempt(t, { password: PASSWORD }, { cookie: `deid_session=${planted}` });
    assert.equal(r.status, 303);
    assert.ok(r.cookie?.startsWith("deid_session="));
    const issued = r.cookie!.slice("deid_session=".length);
    assert.notEqual(issued, planted);
    assert.match(issued, /^[A-Za-z0-9_-]{43}$/);
    const asPlanted = await fetch(`${t.url}/api/session`, {
      headers: { cookie: `deid_session=${planted}` },
    });
    assert.equal(asPlanted.status, 401, "the planted id is not a session");
    await asPlanted.body?.cancel();
    const asIssued = await fetch(`${t.url}/api/session`, { headers: { cookie: r.cookie! } });
    assert.equal(asIssued.status, 200);
    const { csrf } = await asIssued.json();
    // Logging in again over a live session also yields a fresh id.
    const again = await attempt(t, { password: PASSWORD }, { cookie: r.cookie! });
    assert.notEqual(again.cookie, r.cookie);
    assertNoSecrets(t, [PASSWORD, planted, issued, csrf, again.cookie!.split("=")[1]]);
  } finally {
    await t.dispose();
  }
});

Deno.test("cookie-authenticated state changes need the CSRF token and a same-site origin", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const evil = { origin: "https://evil.example" };
    const crossSite = { "sec-fetch-site": "cross-site" };
    const tok = { "x-csrf-token": csrf };
    const id = await createBatch(t); // by bearer token: a batch to attack
    const call = async (
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: BodyInit,
    ) => {
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: { cookie, ...headers },
        body,
        redirect: "manual",
      });
      await res.body?.cancel();
      return res.status;
    };
    const refused: [string, string, Record<string, string>, BodyInit?][] = [
      ["POST", "/api/batches", {}],
      ["POST", "/api/batches", { ...tok, ...evil }],
      ["POST", "/api/batches", { ...tok, ...crossSite }],
      ["PUT", `/api/batches/${id}/files/x.dcm`, {}, CT],
      ["PUT", `/api/batches/${id}/files/x.dcm`, { ...tok, ...evil }, CT],
      ["DELETE", `/api/batches/${id}`, {}],
      ["DELETE", `/api/batches/${id}`, { "x-csrf-token": "forged" }],
      ["POST", "/api/anonymize", {}, CT],
      ["POST", "/api/anonymize", { ...tok, ...evil }, CT],
      ["POST", "/logout", {}],
      ["POST", "/logout", { ...tok, ...evil }],
    ];
    for (const [method, path, headers, body] of refused) {
      assert.equal(
        await call(method, path, headers, body),
        403,
        `${method} ${path} ${JSON.stringify(headers)}`,
      );
    }
    const loginFromElsewhere = await attempt(t, { password: PASSWORD }, evil);
    assert.equal(loginFromElsewhere.status, 403, "a foreign page cannot log the user in");
    // Nothing happened: the batch is still there and empty, the session still works.
    const batch = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(batch.files, []);
    assert.equal(await call("GET", "/api/session", {}), 200);
    // The same requests with the token from our own origin go through.
    assert.equal(await call("POST", "/api/batches", { ...tok, origin: t.url }), 201);
    assert.equal(await call("PUT", `/api/batches/${id}/files/x.dcm`, tok, CT), 201);
    assert.equal(await call("POST", "/api/anonymize", tok, CT), 200);
    assert.equal(await call("DELETE", `/api/batches/${id}`, tok), 204);
    assertNoSecrets(t, [PASSWORD, TOKEN, csrf, cookie.split("=")[1]]);
  } finally {
    await t.dispose();
  }
});
