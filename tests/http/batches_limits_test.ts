import assert from "node:assert/strict";
import { request } from "node:http";
import { startTestServer, type TestServer } from "./_harness.ts";
import { AUTH, createBatch, put, tree } from "./_batches.ts";

/** Sends a PUT with a raw, unnormalized request target (fetch would resolve the dots). */
function rawPut(t: TestServer, target: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${t.url}${target}`,
      { method: "PUT", headers: AUTH, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.path = target;
    req.on("error", reject);
    req.end(body);
  });
}

Deno.test("PUT /api/batches/:id/files/* rejects traversal and oversize with nothing written", async () => {
  const t = await startTestServer({ env: { MAX_UPLOAD_BYTES: "20000" } });
  try {
    const id = await createBatch(t);
    const ct = await Deno.readFile(
      new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
    );
    const before = tree(t.dir);
    for (
      const target of [
        `/api/batches/${id}/files/..%2F..%2Fevil.dcm`,
        `/api/batches/${id}/files/%2e%2e/%2e%2e/evil.dcm`,
        `/api/batches/${id}/files/a/../../../evil.dcm`,
        `/api/batches/${id}/files/%2Fetc%2Fevil.dcm`,
        `/api/batches/${id}/files/a%5C..%5Cevil.dcm`,
      ]
    ) {
      const status = await rawPut(t, target, ct.subarray(0, 1000));
      // WHATWG URL parsing resolves "%2e%2e" as "..": such requests leave /api/batches (404).
      assert.ok(status === 400 || status === 404, `${target}: ${status}`);
    }
    const declared = await put(t, id, "big.dcm", ct);
    assert.equal(declared.status, 413);
    await declared.body?.cancel();
    const streamed = await put(t, id, "big.dcm", new Blob([ct]).stream());
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    const after = tree(t.dir).filter((f) => !f.startsWith("kv.sqlite3"));
    assert.deepEqual(after, before.filter((f) => !f.startsWith("kv.sqlite3")));
    const status = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(status.files, []);
  } finally {
    await t.dispose();
  }
});

Deno.test("RunningServer.sweep() removes expired batches and their files (injected clock)", async () => {
  const t = await startTestServer({ env: { BATCH_TTL_HOURS: "24" } });
  try {
    const id = await createBatch(t);
    const ct = await Deno.readFile(
      new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
    );
    await (await put(t, id, "ct.dcm", ct)).body?.cancel();
    assert.ok(tree(t.dir).some((f) => f.endsWith("ct.dcm")));
    t.clock.t += 23 * 3600_000;
    await t.server.sweep();
    assert.ok(tree(t.dir).some((f) => f.endsWith("ct.dcm")), "still within its TTL");
    t.clock.t += 2 * 3600_000;
    const expired = await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH });
    assert.equal(expired.status, 404);
    await expired.body?.cancel();
    await t.server.sweep();
    assert.ok(!tree(t.dir).some((f) => f.endsWith("ct.dcm")), "files removed by the sweep");
    let records = 0;
    for await (const _ of t.kv.list({ prefix: ["batch"] })) records++;
    assert.equal(records, 0, "the batch record is gone too");
  } finally {
    await t.dispose();
  }
});
