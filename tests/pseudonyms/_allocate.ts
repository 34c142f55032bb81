/**
 * Test helper process: allocates sequential pseudonyms from a shared KV file, to prove that
 * concurrent processes never hand out one number twice. Args: KV_PATH PREFIX LABEL COUNT
 * SHARED GO_FILE. Waits for GO_FILE (so both processes start together), then allocates
 * `LABEL-i` for i < COUNT interleaved with `shared-j` for j < SHARED, and prints JSON pairs.
 */
import { SequentialPseudonyms } from "../../core/pseudonyms/sequential.ts";

const [kvPath, prefix, label, count, shared, go] = Deno.args;
const kv = await Deno.openKv(kvPath);
const seq = new SequentialPseudonyms({
  kv,
  key: new TextEncoder().encode("concurrency-test-key-0123"),
  prefix,
  keepOriginals: true,
});
const originals: string[] = [];
for (let i = 0; i < Number(count); i++) {
  originals.push(`${label}-${i}`);
  if (i < Number(shared)) originals.push(`shared-${i}`);
}
console.error("ready");
while (!(await Deno.stat(go).then(() => true, () => false))) {
  await new Promise((r) => setTimeout(r, 5));
}
const pairs: [string, string][] = [];
for (const original of originals) {
  pairs.push([original, await seq.pseudonymOf("PatientID", original)]);
}
kv.close();
console.log(JSON.stringify(pairs));
