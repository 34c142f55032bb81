import assert from "node:assert/strict";
import { ApiTokens, bearerToken } from "./tokens.ts";

Deno.test("ApiTokens.verify() accepts configured tokens only", () => {
  const tokens = new ApiTokens(["alpha-token", "beta-token", ""]);
  assert.equal(tokens.size, 2);
  assert.equal(tokens.verify("alpha-token"), true);
  assert.equal(tokens.verify("beta-token"), true);
  assert.equal(tokens.verify("alpha-tokenX"), false);
  assert.equal(tokens.verify(""), false);
  assert.equal(tokens.verify(undefined), false);
});

Deno.test("ApiTokens keeps no plain token in its state", () => {
  const tokens = new ApiTokens(["s3cret-value"]);
  assert.ok(!Deno.inspect(tokens, { showHidden: true, depth: 9 }).includes("s3cret-value"));
});

Deno.test("bearerToken() parses the Authorization header", () => {
  assert.equal(bearerToken("Bearer abc.DEF-123"), "abc.DEF-123");
  assert.equal(bearerToken("bearer   xyz"), "xyz");
  assert.equal(bearerToken("Basic abc"), undefined);
  assert.equal(bearerToken("Bearer a b"), undefined);
  assert.equal(bearerToken(null), undefined);
});
