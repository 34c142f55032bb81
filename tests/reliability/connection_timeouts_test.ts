/**
 * Transfers longer than a minute (found by bench/load.ts, where batch ZIP downloads died
 * under load): Deno 2.8.2's node:http watchdog applied `headersTimeout` to whole exchanges,
 * cutting any upload or download still running 30–60 s after its headers. A slow upload and a
 * download held back by a slow reader must both complete; a connection that never finishes
 * its headers must still be dropped (routes/serve.ts keeps that guard itself).
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { Buffer } from "node:buffer";
import { unzipSync } from "fflate";
import { anonymizeLocally, startTestServer } from "../http/_harness.ts";
import { AUTH, createBatch, put } from "../http/_batches.ts";
import { openRequest, sleep } from "./_util.ts";

const CT = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);
const BIG = await Deno.readFile(
  new URL("../fixtures/corpus/fodicom__HasFragmentSequence.dcm", import.meta.url),
);
// Past the 60 s at which the watchdog had cut every transfer (30 s timeout, 30 s checks).
const LONG_MS = 63_000;

/** Uploads CT_small spread over LONG_MS; resolves to the answer. */
async function slowUpload(url: string) {
  const r = openRequest(`${url}/api/anonymize`, "POST", {
    ...AUTH,
    "content-length": String(CT.length),
  });
  const pieces = 63;
  const step = Math.ceil(CT.length / pieces);
  for (let off = 0; off < CT.length; off += step) {
    await r.write(CT.subarray(off, off + step));
    await sleep(LONG_MS / pieces);
  }
  return await r.end();
}

/** GETs `path`, reads the first chunk, then stops reading for LONG_MS, then reads the rest. */
function stalledDownload(url: string, path: string) {
  return new Promise<{ status: number; complete: boolean; body: Uint8Array }>((resolve, reject) => {
    request(`${url}${path}`, { headers: AUTH, agent: false }, (res) => {
      const parts: Uint8Array[] = [];
      res.once("data", () => {
        res.pause(); // the server's writes back up: its response stays open
        setTimeout(() => res.resume(), LONG_MS);
      });
      res.on("data", (c: Uint8Array) => parts.push(c));
      res.on("error", () => {});
      res.on("close", () =>
        resolve({
          status: res.statusCode ?? 0,
          complete: res.complete,
          body: new Uint8Array(Buffer.concat(parts)),
        }));
    }).on("error", reject).end();
  });
}

/** Opens a connection, sends half a request head, and times how long until the server hangs up. */
async function halfHeaders(port: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const start = performance.now();
  await conn.write(new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: x\r\n"));
  try {
    while ((await conn.read(new Uint8Array(1024))) !== null) { /* the server sends nothing */ }
  } catch { /* reset */ }
  conn.close();
  return performance.now() - start;
}

Deno.test("startServer() lets uploads and downloads run past a minute but drops stalled headers", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    for (let i = 0; i < 6; i++) await (await put(t, id, `s/f${i}.dcm`, BIG)).arrayBuffer();
    const [up, down, hangUp] = await Promise.all([
      slowUpload(t.url),
      stalledDownload(t.url, `/api/batches/${id}/zip`),
      halfHeaders(t.server.port),
    ]);
    assert.equal(up.status, 200);
    assert.equal(up.broken, false, "the upload's answer arrived whole");
    assert.deepEqual(up.body, anonymizeLocally(CT));
    assert.equal(down.status, 200);
    assert.ok(down.complete, "the download arrived whole");
    assert.equal(Object.keys(unzipSync(down.body)).length, 6);
    assert.ok(
      hangUp > 29_000 && hangUp < 45_000,
      `half a request head was dropped after ${hangUp} ms`,
    );
    const cut = t.logs.filter((l) => l.includes('"status":0') || l.includes('"status":408'));
    assert.deepEqual(cut, []);
  } finally {
    await t.dispose();
  }
});
