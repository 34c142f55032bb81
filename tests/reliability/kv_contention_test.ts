/**
 * Faults (d): two processes updating lockout counters in one KV file. SQLite answers
 * "database is locked" to one of them now and then (TOOLCHAIN §4); `withKvRetry()` and the
 * versionstamp checks must absorb it: no crash, and not one count lost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const HAMMER = new URL("./_kv_hammer.ts", import.meta.url).pathname;
const PER_PROCESS = 500;

/** Reads a child's stdout until `done` matches the text so far. */
async function readUntil(reader: ReadableStreamDefaultReader<string>, done: RegExp) {
  let text = "";
  while (!done.test(text)) {
    const r = await reader.read();
    if (r.done) break;
    text += r.value;
  }
  return text;
}

Deno.test("Lockout.attempt() from two processes on one KV file loses no count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-kv-" });
  try {
    const path = join(dir, "kv.sqlite3");
    const go = join(dir, "go");
    const children = [0, 1].map(() =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", HAMMER, path, String(PER_PROCESS), go],
        stdout: "piped",
        stderr: "inherit",
      }).spawn()
    );
    const readers = children.map((c) => c.stdout.pipeThrough(new TextDecoderStream()).getReader());
    await Promise.all(readers.map((r) => readUntil(r, /READY/)));
    await Deno.writeTextFile(go, ""); // both have the file open: start together
    const outs = await Promise.all(readers.map((r) => readUntil(r, /DONE \d+ \d+/)));
    const codes = await Promise.all(children.map(async (c) => (await c.status).code));
    assert.deepEqual(codes, [0, 0], "no process crashed");
    let locked = 0;
    for (const out of outs) {
      const [, allowed, n] = /DONE (\d+) (\d+)/.exec(out)!;
      assert.equal(Number(allowed), PER_PROCESS);
      locked += Number(n);
    }
    console.log(`"database is locked" absorbed by withKvRetry(): ${locked} times`);
    const kv = await Deno.openKv(path);
    try {
      const ip = (await kv.get<{ attempts: number }>(["lockout", "ip", "192.0.2.1"])).value;
      const acc = (await kv.get<{ failures: number }>(["lockout", "account", "admin"])).value;
      assert.equal(ip?.attempts, 2 * PER_PROCESS, "every attempt counted against the IP");
      assert.equal(acc?.failures, 2 * PER_PROCESS, "and against the account");
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
