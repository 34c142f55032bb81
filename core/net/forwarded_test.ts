import assert from "node:assert/strict";
import { clientFacts, selfOrigin, TrustedProxies } from "./forwarded.ts";

const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({
  remoteAddress,
  encrypted: false,
  header: (n: string) => headers[n],
});

Deno.test("clientFacts() ignores forwarded headers from untrusted peers", () => {
  const facts = clientFacts(
    req("::ffff:192.0.2.5", {
      "x-forwarded-for": "10.9.9.9",
      "x-forwarded-proto": "https",
      host: "h",
    }),
    new TrustedProxies([]),
  );
  assert.deepEqual(facts, { ip: "192.0.2.5", secure: false, host: "h" });
});

Deno.test("clientFacts() takes the first untrusted hop from the right", () => {
  const trusted = new TrustedProxies(["10.0.0.0/8", "::1"]);
  const facts = clientFacts(
    req("10.0.0.2", {
      "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.7",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "deid.example.org",
      host: "internal:8000",
    }),
    trusted,
  );
  assert.deepEqual(facts, { ip: "203.0.113.9", secure: true, host: "deid.example.org" });
  assert.equal(selfOrigin(facts), "https://deid.example.org");
  assert.equal(
    clientFacts(req("::1", { "x-forwarded-for": "198.51.100.1" }), trusted).ip,
    "198.51.100.1",
  );
});

Deno.test("TrustedProxies.has() matches IPv4-mapped addresses", () => {
  const t = new TrustedProxies(["172.16.0.0/12"]);
  assert.equal(t.has("::ffff:172.20.1.1"), true);
  assert.equal(t.has("172.32.0.1"), false);
  assert.equal(t.has("not-an-ip"), false);
});
