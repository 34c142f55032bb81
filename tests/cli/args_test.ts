import assert from "node:assert/strict";
import { actionArity, parseAnonymizeArgs, UsageError } from "../../cli/args.ts";

Deno.test("parseAnonymizeArgs() takes as many -t values as the action needs", () => {
  const a = parseAnonymizeArgs([
    "in",
    "-t",
    "(0x0010, 0x0020)",
    "keep",
    "-t",
    "(0x0008, 0x0020)",
    "regexp",
    "0701$",
    "0000",
    "--tag",
    "PatientName",
    "replace_with_value",
    "-not-a-flag",
    "out",
  ]);
  assert.deepEqual(a.tagRules, [
    ["(0x0010, 0x0020)", "keep"],
    ["(0x0008, 0x0020)", "regexp", "0701$", "0000"],
    ["PatientName", "replace_with_value", "-not-a-flag"],
  ]);
  assert.equal(a.input, "in");
  assert.equal(a.output, "out");
});

Deno.test("parseAnonymizeArgs() reads valued flags in both forms and repeats --option", () => {
  const a = parseAnonymizeArgs([
    "--profile=ps315-basic",
    "--option",
    "retain-uids",
    "--option=clean-descriptors",
    "--jobs",
    "3",
    "--rename",
    "uid",
    "--keepPrivateTags",
    "--dry-run",
    "-q",
    "a",
    "b",
  ]);
  assert.equal(a.profile, "ps315-basic");
  assert.deepEqual(a.options, ["retain-uids", "clean-descriptors"]);
  assert.equal(a.jobs, 3);
  assert.equal(a.rename, "uid");
  assert.ok(a.keepPrivateTags && a.dryRun && a.quiet);
});

Deno.test("parseAnonymizeArgs() maps --minimal to the minimal profile", () => {
  assert.equal(parseAnonymizeArgs(["--minimal", "a", "b"]).profile, "minimal");
  assert.throws(
    () => parseAnonymizeArgs(["--minimal", "--profile", "ps315-basic", "a", "b"]),
    UsageError,
  );
});

Deno.test("parseAnonymizeArgs() refuses bad command lines without echoing rule values", () => {
  assert.throws(
    () => parseAnonymizeArgs(["--frobnicate", "a", "b"]),
    /unknown option "--frobnicate"/,
  );
  assert.throws(() => parseAnonymizeArgs(["a"]), /expected IN and OUT, got 1/);
  assert.throws(() => parseAnonymizeArgs(["a", "b", "c"]), UsageError);
  assert.throws(() => parseAnonymizeArgs(["a", "b", "--jobs", "0"]), /--jobs/);
  assert.throws(() => parseAnonymizeArgs(["a", "b", "--rename", "name"]), /--rename/);
  assert.throws(() => parseAnonymizeArgs(["a", "b", "--report"]), /--report needs a value/);
  const err = (() => {
    try {
      parseAnonymizeArgs(["a", "b", "-t", "PatientName", "regexp", "Doe^John"]);
    } catch (e) {
      return e as Error;
    }
  })();
  assert.ok(err instanceof UsageError);
  assert.doesNotMatch(err.message, /Doe/);
});

Deno.test("parseAnonymizeArgs() lets --help and --version through without paths", () => {
  assert.ok(parseAnonymizeArgs(["--help"]).help);
  assert.ok(parseAnonymizeArgs(["-V"]).version);
});

Deno.test("actionArity() matches the reference's actions", () => {
  assert.equal(actionArity("regexp"), 2);
  assert.equal(actionArity("replace_with_value"), 1);
  assert.equal(actionArity("delete"), 0);
});
