/**
 * Faults (a): clients that give up mid-upload. Whatever the route, the server must free what
 * the request held (file handles, sockets), leave no file behind and answer the next request.
 */
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../http/_harness.ts";
import { AUTH, createBatch } from "../http/_batches.ts";
import { buildZip } from "./_zip.ts";
import { dataFiles, openRequest, type RawRequest, send, sleep, waitFor } from "./_util.ts";

const CT = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);
// A body far larger than what is sent before the abort, so the server is mid-read.
const DECLARED = String(50 * 1024 * 1024);

/** Open file descriptors of this process (the in-process server's included). */
/**
 * Descriptors of this process that belong to the test server: sockets whose local port is the
 * server's (from /proc/net/tcp*) and files under its data dir. Counting every descriptor of the
 * process would count other test modules' too: `deno test --parallel` runs them alongside.
 */
function serverFds(t: TestServer): number {
  const port = new URL(t.url).port;
  const portHex = Number(port).toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1].endsWith(`:${portHex}`)) inodes.add(cols[9]);
    }
  }
  let n = 0;
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = Deno.readLinkSync(`/proc/self/fd/${e.name}`);
    } catch {
      continue; // closed meanwhile
    }
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if ((socket && inodes.has(socket[1])) || target.startsWith(t.dir)) n++;
  }
  return n;
}

/** Starts an upload, sends `first`, waits until the server has acted on it, then aborts. */
async function abortMidUpload(
  t: TestServer,
  method: string,
  path: string,
  type: string,
  first: Uint8Array,
  started: (req: RawRequest) => boolean,
) {
  const req = openRequest(`${t.url}${path}`, method, {
    ...AUTH,
    "content-type": type,
    "content-length": DECLARED,
  });
  await req.write(first);
  await waitFor("the upload to be under way", () => started(req));
  req.abort();
  const answer = await req.answer;
  assert.ok(answer.broken || answer.status === 0, "the client saw no complete answer");
}

Deno.test("POST /api/anonymize and PUT /api/batches/:id/files/* free everything on a client abort", async () => {
  const t = await startTestServer();
  try {
    const id = await createBatch(t);
    const zip = buildZip([{ name: "a/ct.dcm", data: CT }]);
    const put = `/api/batches/${id}/files/study/IM0001.dcm`;
    const warm = async () => {
      assert.equal((await send(`${t.url}/api/anonymize`, "POST", AUTH, CT)).status, 200);
      const zipped = await send(`${t.url}/api/anonymize`, "POST", {
        ...AUTH,
        "content-type": "application/zip",
      }, zip);
      assert.equal(zipped.status, 200);
      assert.equal((await send(`${t.url}${put}`, "PUT", AUTH, CT)).status, 201);
    };
    await warm(); // every route's lazy state exists before the baseline
    await sleep(100);
    const baseline = serverFds(t);
    const logged = () => t.logs.length;
    for (let round = 0; round < 3; round++) {
      // Streaming: output is already flowing back when the client vanishes.
      let n = logged();
      await abortMidUpload(
        t,
        "POST",
        "/api/anonymize",
        "application/dicom",
        CT,
        (r) => r.responding,
      );
      await waitFor("the request line", () => logged() > n);
      // ZIP: the server is spooling to DATA_DIR/tmp.
      n = logged();
      await abortMidUpload(
        t,
        "POST",
        "/api/anonymize",
        "application/zip",
        zip,
        () => dataFiles(t.dir).some((f) => f.startsWith("tmp/")),
      );
      await waitFor("the request line", () => logged() > n);
      // Batch: the file is being written to the batch's .tmp.
      n = logged();
      await abortMidUpload(
        t,
        "PUT",
        `/api/batches/${id}/files/study/IM0002.dcm`,
        "application/dicom",
        CT.subarray(0, 20_000),
        () => dataFiles(t.dir).some((f) => f.includes("/.tmp/")),
      );
      await waitFor("the request line", () => logged() > n);
    }
    await waitFor(
      "no temp file left",
      () => dataFiles(t.dir).every((f) => !f.startsWith("tmp/") && !f.includes("/.tmp/")),
    );
    const kept = dataFiles(t.dir).filter((f) => !f.startsWith("deid.key"));
    assert.deepEqual(
      kept.filter((f) => !f.startsWith(`batches/${id}/manifest/`)),
      [`batches/${id}/files/study/IM0001.dcm`],
      "only the complete upload is on disk",
    );
    // …and one manifest record, the complete upload's: an aborted one leaves none.
    assert.equal(kept.filter((f) => f.startsWith(`batches/${id}/manifest/`)).length, 1);
    const status = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(status.files.map((f: { path: string }) => f.path), ["study/IM0001.dcm"]);
    // Nothing leaked: descriptors back to the baseline (sockets and temp files closed).
    await waitFor(`server fds back to ${baseline}`, () => serverFds(t) <= baseline + 1, 5_000);
    // Aborts are the client's doing: request lines say so, and no error line is written.
    const aborted = t.logs.filter((l) => l.includes('"ClientAborted"'));
    assert.equal(aborted.length, 9, t.logs.join("\n"));
    assert.deepEqual(t.logs.filter((l) => l.includes('"level":"error"')), []);
    await warm(); // and the server still works on every route
  } finally {
    await t.dispose();
  }
});
