import assert from "node:assert/strict";
import { expectedClaim, identityFindings } from "./identity_check.ts";
import { canonicalProfile } from "./profiles.ts";

const claim = (
  profile: string,
  options: string[] = [],
  keepPrivate = false,
  actions: string[] = [],
) => expectedClaim(canonicalProfile(profile, options), keepPrivate, actions);
const messages = (facts: Parameters<typeof identityFindings>[1], expected = claim("ps315-basic")) =>
  identityFindings("f", facts, expected).map((f) => `${f.tag} ${f.message}`);

Deno.test("expectedClaim() claims removal only for a full profile without retaining settings", () => {
  assert.equal(claim("dicomfields_2023").removed, true);
  assert.equal(claim("ps315-basic", ["retain-uids"]).removed, true);
  assert.equal(claim("minimal").removed, false);
  assert.equal(claim("dicomfields_2023", [], true).removed, false);
  assert.equal(claim("dicomfields_2023", [], false, ["keep"]).removed, false);
  assert.equal(claim("dicomfields_2023", [], false, ["regexp"]).removed, false);
  assert.equal(claim("dicomfields_2023", [], false, ["delete", "empty"]).removed, true);
});

Deno.test("identityFindings() accepts the codes of the options that ran", () => {
  const expected = claim("ps315-basic", ["retain-uids", "clean-descriptors"]);
  const facts = { identityRemoved: "YES", methodCodes: true, codes: ["113100", "113110"] };
  assert.deepEqual(messages(facts, expected), []);
});

Deno.test("identityFindings() refuses a code for an option that did not run", () => {
  const facts = { identityRemoved: "YES", methodCodes: true, codes: ["113100", "113110", "X1"] };
  assert.deepEqual(messages(facts), [
    "(0012,0064) code 113110 is claimed but did not run",
    "(0012,0064) a code outside CID 7050 is claimed but did not run",
  ]);
});

Deno.test("identityFindings() wants NO and no 113100 from a weakened run", () => {
  const weak = claim("dicomfields_2023", [], true);
  assert.deepEqual(messages({ identityRemoved: "NO", methodCodes: true, codes: [] }, weak), []);
  assert.deepEqual(
    messages({ identityRemoved: "YES", methodCodes: true, codes: ["113100"] }, weak),
    [
      "(0012,0062) PatientIdentityRemoved claims YES, but the configuration keeps identifying data",
      "(0012,0064) code 113100 is claimed but did not run",
    ],
  );
});

Deno.test("identityFindings() wants (0028,0303) to say how dates were kept", () => {
  const modified = claim("ps315-basic", ["retain-long-modified-dates"]);
  const facts = { identityRemoved: "YES", methodCodes: true, codes: ["113100", "113107"] };
  assert.deepEqual(messages({ ...facts, longitudinal: "MODIFIED" }, modified), []);
  assert.equal(messages({ ...facts, longitudinal: "UNMODIFIED" }, modified).length, 1);
  assert.equal(messages(facts, modified).length, 1);
});
