import assert from "node:assert/strict";
import { login, PASSWORD, startTestServer, TOKEN, tryLogin } from "./_harness.ts";

Deno.test("GET /health and /ready answer with security headers", async () => {
  const t = await startTestServer();
  try {
    const health = await fetch(`${t.url}/health`);
    assert.deepEqual(await health.json(), { status: "ok" });
    const csp = health.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(health.headers.get("x-content-type-options"), "nosniff");
    assert.equal(health.headers.get("referrer-policy"), "no-referrer");
    const ready = await fetch(`${t.url}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", kv: true, disk: true });
    const missing = await fetch(`${t.url}/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login sets a strict HttpOnly cookie and GET / shows signed in", async () => {
  const t = await startTestServer();
  try {
    const res = await fetch(`${t.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ password: PASSWORD, username: "admin" }),
      redirect: "manual",
    });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/");
    const setCookie = res.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/, "plain http from an untrusted peer");
    const page = await (await fetch(`${t.url}/`, { headers: { cookie: setCookie.split(";")[0] } }))
      .text();
    assert.match(page, /Signed in as admin/);
    assert.match(await (await fetch(`${t.url}/`)).text(), /name="password"/);
    assert.ok(!t.logs.join("\n").includes(PASSWORD), "no password in the logs");
    const line = JSON.parse(t.logs.find((l) => l.includes('"route":"/login"'))!);
    assert.equal(line.status, 303);
    assert.equal(line.method, "POST");
    assert.equal(typeof line.ms, "number");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login marks the cookie Secure behind a trusted TLS proxy", async () => {
  const t = await startTestServer({ env: { TRUSTED_PROXIES: "127.0.0.1,::1" } });
  try {
    const res = await fetch(`${t.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ password: PASSWORD }),
      headers: { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.5" },
      redirect: "manual",
    });
    await res.body?.cancel();
    assert.match(res.headers.get("set-cookie") ?? "", /; Secure/);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /login answers 401 on a wrong password and 403 to a foreign Origin", async () => {
  const t = await startTestServer();
  try {
    assert.equal((await tryLogin(t.url, "wrong")).status, 401);
    assert.equal((await tryLogin(t.url, PASSWORD, { origin: "http://evil.example" })).status, 403);
    assert.equal((await tryLogin(t.url, PASSWORD, { origin: t.url })).status, 303);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /logout needs the CSRF token and ends the session", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/logout`, {
        method: "POST",
        body: new URLSearchParams(body),
        headers: { cookie, ...headers },
        redirect: "manual",
      });
    const noToken = await post({});
    assert.equal(noToken.status, 403);
    await noToken.body?.cancel();
    const crossSite = await post({ csrf }, { "sec-fetch-site": "cross-site" });
    assert.equal(crossSite.status, 403);
    await crossSite.body?.cancel();
    const ok = await post({ csrf });
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get("set-cookie") ?? "", /Max-Age=0/);
    await ok.body?.cancel();
    const after = await fetch(`${t.url}/api/session`, { headers: { cookie } });
    assert.equal(after.status, 401);
    await after.body?.cancel();
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /api/session expires a session after the idle timeout (injected clock)", async () => {
  const t = await startTestServer({ env: { SESSION_IDLE_MINUTES: "30", SESSION_MAX_HOURS: "1" } });
  try {
    const { cookie } = await login(t.url);
    const status = async () => {
      const res = await fetch(`${t.url}/api/session`, { headers: { cookie } });
      await res.body?.cancel();
      return res.status;
    };
    t.clock.t += 29 * 60_000;
    assert.equal(await status(), 200);
    t.clock.t += 29 * 60_000;
    assert.equal(await status(), 200, "idle timer refreshed");
    t.clock.t += 3 * 60_000;
    assert.equal(await status(), 401, "absolute limit of 1 h reached");
    const fresh = await login(t.url);
    t.clock.t += 31 * 60_000;
    const res = await fetch(`${t.url}/api/session`, { headers: { cookie: fresh.cookie } });
    assert.equal(res.status, 401, "idle limit reached");
    await res.body?.cancel();
    const bearer = await fetch(`${t.url}/api/session`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(await bearer.json(), { via: "token" });
  } finally {
    await t.dispose();
  }
});
