import assert from "node:assert/strict";
import { readServerConfig, redactServerConfig } from "./server_config.ts";

Deno.test("readDimseConfig() is off by default and reads every DIMSE_* variable", () => {
  assert.equal(readServerConfig({}).dimse.port, undefined);
  const c = readServerConfig({
    DIMSE_PORT: "11112",
    DIMSE_AE_TITLE: "ANON",
    DIMSE_CALLING_AE_TITLES: "CT1, MR2",
    DIMSE_MAX_ASSOCIATIONS: "3",
    DIMSE_IDLE_SECONDS: "60",
    DIMSE_SETTINGS: "profile=ps315-basic&option=retain-uids",
    DIMSE_FORWARD_TO: "PACS@10.0.0.5:104",
    DIMSE_FORWARD_TOKEN: "s3cret",
  }).dimse;
  assert.deepEqual(c, {
    port: 11112,
    aeTitle: "ANON",
    callingAeTitles: ["CT1", "MR2"],
    maxAssociations: 3,
    idleSeconds: 60,
    settings: "profile=ps315-basic&option=retain-uids",
    forwardTo: { kind: "dimse", aeTitle: "PACS", host: "10.0.0.5", port: 104 },
    forwardToken: "s3cret",
  });
});

Deno.test("readDimseConfig() lets --dimse-port, --ae-title and --forward-to win", () => {
  const c = readServerConfig(
    { DIMSE_PORT: "104", DIMSE_AE_TITLE: "X", DIMSE_FORWARD_TO: "A@h:1" },
    { dimsePort: 0, aeTitle: "DEID2", forwardTo: "https://pacs/dicomweb/studies" },
  ).dimse;
  assert.equal(c.port, 0);
  assert.equal(c.aeTitle, "DEID2");
  assert.deepEqual(c.forwardTo, { kind: "stow", url: "https://pacs/dicomweb/studies" });
});

Deno.test("readDimseConfig() refuses bad values with RangeError naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ DIMSE_PORT: "70000" }, /^DIMSE_PORT must be 0 to 65535/],
    [{ DIMSE_AE_TITLE: "MUCH_TOO_LONG_AE_TITLE" }, /DIMSE_AE_TITLE.*1-16 characters/],
    [{ DIMSE_CALLING_AE_TITLES: "OK,BAD\\AE" }, /DIMSE_CALLING_AE_TITLES/],
    [{ DIMSE_MAX_ASSOCIATIONS: "0" }, /^DIMSE_MAX_ASSOCIATIONS must be 1 to 1000/],
    [{ DIMSE_IDLE_SECONDS: "x" }, /^DIMSE_IDLE_SECONDS /],
    [
      { DIMSE_FORWARD_TO: "pacs:104" },
      /^DIMSE_FORWARD_TO \(or --forward-to\) must be AE@host:port/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => readServerConfig(env), (err: unknown) => {
      assert.ok(err instanceof RangeError, JSON.stringify(env));
      assert.match(err.message, message);
      return true;
    });
  }
  assert.throws(() => readServerConfig({}, { dimsePort: 1.5 }), /--dimse-port must be an integer/);
});

Deno.test("redactServerConfig() hides the forward token and a STOW-RS URL", () => {
  const config = readServerConfig({
    DIMSE_FORWARD_TO: "https://user:s3cret-pw@pacs/dicomweb/studies",
    DIMSE_FORWARD_TOKEN: "s3cret-token",
  });
  const text = JSON.stringify(redactServerConfig(config));
  assert.doesNotMatch(text, /s3cret/);
  assert.match(text, /"forwardToken":"\(set\)"/);
});
