import assert from "node:assert/strict";
import { csrfMatches, isSameOrigin } from "./csrf.ts";
import type { Session } from "./sessions.ts";

const SELF = "http://127.0.0.1:8000";

Deno.test("isSameOrigin() passes same-origin and header-less requests", () => {
  assert.equal(isSameOrigin({ selfOrigin: SELF }), true);
  assert.equal(isSameOrigin({ origin: SELF, secFetchSite: "same-origin", selfOrigin: SELF }), true);
  assert.equal(isSameOrigin({ secFetchSite: "none", selfOrigin: SELF }), true);
});

Deno.test("isSameOrigin() rejects foreign origins and cross-site fetches", () => {
  assert.equal(isSameOrigin({ origin: "http://evil.example", selfOrigin: SELF }), false);
  assert.equal(isSameOrigin({ origin: "null", selfOrigin: SELF }), false);
  assert.equal(isSameOrigin({ secFetchSite: "cross-site", selfOrigin: SELF }), false);
  assert.equal(isSameOrigin({ secFetchSite: "same-site", selfOrigin: SELF }), false);
});

Deno.test("csrfMatches() compares the whole token", () => {
  const s = { csrf: "abcdef" } as Session;
  assert.equal(csrfMatches(s, "abcdef"), true);
  assert.equal(csrfMatches(s, "abcdeF"), false);
  assert.equal(csrfMatches(s, "abc"), false);
  assert.equal(csrfMatches(s, undefined), false);
});
