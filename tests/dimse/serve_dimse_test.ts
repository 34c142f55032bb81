/**
 * `serve` with DIMSE_PORT: the C-STORE receiver beside the HTTP server, sharing its batches.
 * DCMTK storescu sends a synthetic PHI-laden study; the batch appears in `/api/batches` and
 * phi_check.py finds none of the planted values in what was stored, nor in the logs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeStudy, phiCheck } from "../support/anonymize_tree.ts";
import { dcmdumpCheck } from "../support/independent_reader.ts";
import { startTestServer, TOKEN } from "../http/_harness.ts";

async function run(cmd: string, args: string[]) {
  const { code, stderr } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" })
    .output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("serve with DIMSE_PORT stores a study sent by storescu as one PHI-free batch", async () => {
  const s = await startTestServer({ env: { DIMSE_PORT: "0", DIMSE_AE_TITLE: "ANON" } });
  const tmp = await Deno.makeTempDir({ prefix: "dimse-serve-" });
  try {
    const port = s.server.dimsePort;
    assert.ok(port !== undefined && port > 0);
    assert.equal((await run("echoscu", ["-aec", "ANON", "127.0.0.1", String(port)])).code, 0);
    const study = await makeStudy(join(tmp, "study"), [
      ...["--patients", "2", "--studies", "1", "--series", "2", "--images", "2"],
      ...["--rows", "64", "--cols", "64"],
    ]);
    const paths = [...Deno.readDirSync(study)].filter((e) => e.name.endsWith(".dcm"))
      .map((e) => join(study, e.name));
    const sent = paths.length;
    const r = await run("storescu", ["-aec", "ANON", "127.0.0.1", String(port), ...paths]);
    assert.equal(r.code, 0, r.stderr);

    const res = await fetch(`${s.url}/api/batches`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const { batches } = await res.json();
    assert.equal(batches.length, 1, "one batch for the association");
    const detail = await (await fetch(`${s.url}/api/batches/${batches[0].id}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })).json();
    assert.equal(detail.counts.done, sent);
    const others = Object.entries(detail.counts).filter(([k, n]) => k !== "done" && n !== 0);
    assert.deepEqual(others, [], "nothing processing, rejected, held back or failed");

    const files = join(s.dir, "batches", batches[0].id, "files");
    for (const e of Deno.readDirSync(files)) {
      const dump = await dcmdumpCheck(join(files, e.name));
      assert.ok(dump.ok, `${e.name}: ${dump.errors.join("; ")}`);
    }
    const { hits, summary } = await phiCheck(study, files);
    assert.deepEqual(hits, [], summary);
    assert.match(summary, new RegExp(`^phi_check: ${sent} files, \\d+ strings, 0 hits$`));
    const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
    const strings = new Set(Object.values(phi.strings as Record<string, string[]>).flat());
    const logs = s.logs.join("\n");
    const leaked = [...strings].filter((v) => logs.includes(v));
    assert.equal(leaked.length, 0, `${leaked.length} planted values appear in the logs`);
  } finally {
    await s.dispose();
    await Deno.remove(tmp, { recursive: true });
  }
});
