import assert from "node:assert/strict";
import { join } from "node:path";
import { DotenvSyntaxError, loadEnv, parseDotenv } from "./dotenv.ts";

Deno.test("parseDotenv() reads plain, exported, commented and blank lines", () => {
  const text = [
    "\uFEFF# a comment",
    "",
    "PORT=8000",
    "  export HOST = 0.0.0.0  ",
    "EMPTY=",
    "COMMENTED= # only a comment",
    "URL=http://x/#frag",
    "NOTE=hello world # trailing comment",
    "PORT=9000",
  ].join("\r\n");
  assert.deepEqual(parseDotenv(text), {
    PORT: "9000",
    HOST: "0.0.0.0",
    EMPTY: "",
    COMMENTED: "",
    URL: "http://x/#frag",
    NOTE: "hello world",
  });
});

Deno.test("parseDotenv() keeps single quotes literal and decodes double-quote escapes", () => {
  const text = [
    `SINGLE='a\\nb # not a comment $HOME'`,
    `DOUBLE="line1\\nline2\\t\\"q\\" \\\\ \\x" # comment`,
    `SPACED = "  padded  "`,
  ].join("\n");
  assert.deepEqual(parseDotenv(text), {
    SINGLE: "a\\nb # not a comment $HOME",
    DOUBLE: 'line1\nline2\t"q" \\ \\x',
    SPACED: "  padded  ",
  });
});

Deno.test("parseDotenv() reports every bad line by number without its text", () => {
  const text = [
    "GOOD=1",
    "hunter2secret",
    "1BAD=hunter2secret",
    'OPEN="hunter2secret',
    "TAIL='hunter2secret' extra",
    "export",
  ].join("\n");
  assert.throws(() => parseDotenv(text, "/x/.env"), (err: unknown) => {
    assert.ok(err instanceof DotenvSyntaxError);
    assert.ok(err instanceof SyntaxError);
    assert.deepEqual(err.issues.map((i) => i.line), [2, 3, 4, 5, 6]);
    assert.match(err.message, /^Cannot parse \/x\/\.env: line 2: expected KEY=VALUE; line 3/);
    assert.match(err.message, /unterminated double-quoted value/);
    assert.match(err.message, /unexpected text after quote/);
    assert.doesNotMatch(err.message, /hunter2|BAD|OPEN|TAIL/);
    return true;
  });
});

Deno.test("loadEnv() lets the process env win over .env", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, ".env"), "A=from-file\nB=from-file\n");
    const env = await loadEnv({ cwd: dir, processEnv: { B: "from-process", C: "c" } });
    assert.deepEqual(env, { A: "from-file", B: "from-process", C: "c" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadEnv() without a .env returns a copy of the process env", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const processEnv = { A: "1" };
    const env = await loadEnv({ cwd: dir, processEnv });
    assert.deepEqual(env, { A: "1" });
    assert.notEqual(env, processEnv);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadEnv() names the .env path in a parse error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, ".env"), "OK=1\nnot an assignment\n");
    await assert.rejects(
      loadEnv({ cwd: dir, processEnv: {} }),
      (err: unknown) => err instanceof DotenvSyntaxError && err.message.includes(join(dir, ".env")),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
