import assert from "node:assert/strict";
import { isAeTitle, parseForwardTarget } from "./forward_target.ts";

Deno.test("parseForwardTarget() reads AE@host:port, AE@[v6]:port and http(s) URLs", () => {
  assert.deepEqual(parseForwardTarget("X", "PACS@pacs.example.org:104"), {
    kind: "dimse",
    aeTitle: "PACS",
    host: "pacs.example.org",
    port: 104,
  });
  assert.deepEqual(parseForwardTarget("X", "ARCHIVE 2@[::1]:11112"), {
    kind: "dimse",
    aeTitle: "ARCHIVE 2",
    host: "::1",
    port: 11112,
  });
  assert.deepEqual(parseForwardTarget("X", "https://pacs.example.org/dicomweb/studies"), {
    kind: "stow",
    url: "https://pacs.example.org/dicomweb/studies",
  });
});

Deno.test("parseForwardTarget() refuses other shapes without quoting the value", () => {
  const bad = ["PACS@host", "PACS@host:0", "PACS@host:70000", "A\\B@h:1", "@h:1", "ftp://x/y"];
  bad.push("SEVENTEEN_CHARS_X@h:1", "http://[bad");
  for (const raw of bad) {
    assert.throws(() => parseForwardTarget("DIMSE_FORWARD_TO", raw), (err: unknown) => {
      assert.ok(err instanceof RangeError, raw);
      assert.match(err.message, /^DIMSE_FORWARD_TO /);
      assert.ok(!err.message.includes(raw), raw);
      return true;
    });
  }
});

Deno.test("isAeTitle() follows PS3.5 AE: 1-16 characters, no backslash, no control", () => {
  for (const ok of ["DEID", "A", "SIXTEEN_CHARS_AE", "MY AE"]) assert.ok(isAeTitle(ok), ok);
  for (const no of ["", " ", "SEVENTEEN_CHARS_X", "A\\B", "A\nB", " PAD"]) {
    assert.ok(!isAeTitle(no), JSON.stringify(no));
  }
});
