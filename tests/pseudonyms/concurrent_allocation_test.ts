/**
 * Two real processes allocate sequential pseudonyms from one KV file at the same time
 * (get + check() + set, retried): every original gets exactly one number, no number goes to
 * two originals, and a later process finds the same pseudonyms.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const SCRIPT = new URL("./_allocate.ts", import.meta.url).pathname;

function start(kvPath: string, label: string, count: number, shared: number, go: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, kvPath, "SITE", label, String(count), String(shared), go],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.getReader();
  const ready = (async () => {
    let text = "";
    while (!text.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`allocator ${label} exited before it was ready: ${text}`);
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    child.stderr.cancel();
  })();
  const pairs = (async () => {
    const out = await new Response(child.stdout).text();
    const status = await child.status;
    assert.equal(status.code, 0, `allocator ${label} failed`);
    return new Map<string, string>(JSON.parse(out));
  })();
  return { ready, pairs };
}

Deno.test("SequentialPseudonyms in two processes on one KV file never share a number", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-pseudonym-kv-" });
  try {
    const kvPath = join(dir, "kv.sqlite3");
    const go = join(dir, "go");
    const a = start(kvPath, "a", 200, 50, go);
    const b = start(kvPath, "b", 200, 50, go);
    await Promise.all([a.ready, b.ready]);
    const t0 = performance.now();
    await Deno.writeTextFile(go, "");
    const [pa, pb] = await Promise.all([a.pairs, b.pairs]);
    const ms = performance.now() - t0;
    console.log(`2 × 250 allocations (50 shared) in ${ms.toFixed(0)} ms`);

    const byOriginal = new Map([...pa, ...pb]);
    assert.equal(byOriginal.size, 450);
    for (let j = 0; j < 50; j++) {
      assert.equal(pa.get(`shared-${j}`), pb.get(`shared-${j}`), `shared-${j}`);
    }
    const numbers = new Set(byOriginal.values());
    assert.equal(numbers.size, 450, "a number was handed out twice");
    for (const p of numbers) assert.match(p, /^SITE-\d{6}$/);
    // The two really ran at once: their numbers interleave.
    const own = (m: Map<string, string>, label: string) =>
      [...m].filter(([o]) => o.startsWith(label)).map(([, p]) => Number(p.slice(5)));
    const [na, nb] = [own(pa, "a-"), own(pb, "b-")];
    assert.ok(Math.min(...na) < Math.max(...nb) && Math.min(...nb) < Math.max(...na));
    console.log(`numbers 1..${Math.max(...numbers.values().map((p) => Number(p.slice(5))))}`);

    // A later run: the same originals get the same pseudonyms, nothing new is allocated.
    const c = start(kvPath, "a", 200, 50, go);
    await c.ready;
    assert.deepEqual(await c.pairs, pa);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
