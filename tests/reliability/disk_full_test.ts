/**
 * Faults (c): a full disk. The writers that create upload temp files (server: `openTemp` in
 * ServerDeps; CLI: `TaskContext.openOutput`) are replaced by ones that fail like a full file
 * system once a few KiB are written. The error is real: it comes from writing to /dev/full.
 * Expected: a clear error (507 / a failed file naming ENOSPC), no partial output under a
 * final name, no temp file left, and the server keeps serving.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { ensureAdminPassword } from "../../core/auth/accounts.ts";
import { readServerConfig } from "../../core/config/server_config.ts";
import { createLogger } from "../../core/log/logger.ts";
import { openLockedTemp, type TempWriter } from "../../core/batches/temp_files.ts";
import { processTask } from "../../cli/process_task.ts";
import type { FileTask } from "../../cli/task.ts";
import { partialPath } from "../../cli/atomic.ts";
import { startServer } from "../../routes/serve.ts";
import { AUTH, createBatch } from "../http/_batches.ts";
import { KEY, PASSWORD, type TestServer, TOKEN } from "../http/_harness.ts";
import { buildZip } from "./_zip.ts";
import { dataFiles, files, send, text } from "./_util.ts";

const CT = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);

/** The error a write to a full disk raises here (Error, code ENOSPC). */
async function realEnospc(): Promise<Error> {
  using full = await Deno.open("/dev/full", { write: true });
  try {
    await full.write(new Uint8Array(1));
  } catch (err) {
    return err as Error;
  }
  throw new Error("/dev/full accepted a write");
}
const ENOSPC = await realEnospc();

/** Wraps a writer so that writes fail with ENOSPC once `room` bytes are used. */
function fullAfter(inner: TempWriter, room: number): TempWriter {
  let used = 0;
  return {
    write: async (p) => {
      if (used + p.length > room) throw ENOSPC;
      used += p.length;
      return await inner.write(p);
    },
    close: () => inner.close(),
  };
}

/** The HTTP harness, but with a disk that fills up after 4 KiB per file. */
async function startFullDiskServer(): Promise<TestServer> {
  const dir = await Deno.makeTempDir({ prefix: "deid-full-" });
  const config = readServerConfig({ API_TOKENS: TOKEN, DATA_DIR: dir, PORT: "0" });
  const kv = await Deno.openKv(join(dir, "kv.sqlite3"));
  await ensureAdminPassword(kv, { password: PASSWORD, dataDir: dir, now: Date.now() });
  const logs: string[] = [];
  const server = await startServer({
    config,
    kv,
    deidKey: KEY,
    log: createLogger("debug", (l) => logs.push(l)),
    openTemp: async (path) => fullAfter(await openLockedTemp(path), 4096),
  });
  const close = async () => (await server.close(), kv.close());
  return {
    url: `http://127.0.0.1:${server.port}`,
    dir,
    kv,
    server,
    clock: { t: Date.now() },
    logs,
    close,
    dispose: async () => (await close(), await Deno.remove(dir, { recursive: true })),
  };
}

Deno.test("PUT /api/batches/:id/files/* and ZIP uploads answer 507 on ENOSPC and keep nothing", async () => {
  const t = await startFullDiskServer();
  try {
    const id = await createBatch(t);
    const put = await send(`${t.url}/api/batches/${id}/files/s/IM1.dcm`, "PUT", AUTH, CT);
    assert.equal(put.status, 507, text(put));
    assert.match(JSON.parse(text(put)).error, /disk is full/);
    const zipped = await send(`${t.url}/api/anonymize`, "POST", {
      ...AUTH,
      "content-type": "application/zip",
    }, buildZip([{ name: "a.dcm", data: CT }]));
    assert.equal(zipped.status, 507, text(zipped));
    assert.deepEqual(dataFiles(t.dir), [], "no output, no temp file");
    const status = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(status.files, [], "no record of the failed file either");
    // The operator hears about it (error level, the OS message), with no path in it.
    const errors = t.logs.filter((l) => l.includes('"level":"error"'));
    assert.equal(errors.length, 2, t.logs.join("\n"));
    for (const l of errors) {
      assert.match(l, /No space left on device/);
      assert.doesNotMatch(l, /IM1|\.part|\//);
    }
    // Streaming needs no disk: it still works while the disk is full.
    const streamed = await send(`${t.url}/api/anonymize`, "POST", AUTH, CT);
    assert.equal(streamed.status, 200);
  } finally {
    await t.dispose();
  }
});

Deno.test("processTask() reports ENOSPC as a failed file and leaves no partial output", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-full-cli-" });
  try {
    const input = join(dir, "in.dcm");
    await Deno.writeFile(input, CT);
    const out = join(dir, "out");
    const final = join(out, "in.dcm");
    const task: FileTask = {
      id: 0,
      source: { kind: "file", path: input },
      rel: "in.dcm",
      size: CT.length,
      output: { kind: "dir", dir: out, name: "in.dcm", partial: partialPath(final) },
      renameUid: false,
      overwrite: false,
      copyNonDicom: false,
    };
    const deid = createDeidentifier({ key: KEY });
    const result = await processTask(deid, task, {
      archive: () => Promise.reject(new Error("no archive")),
      openOutput: async (path) =>
        fullAfter(await Deno.open(path, { write: true, createNew: true }), 4096),
    });
    assert.equal(result.status, "failed");
    assert.match(result.error ?? "", /No space left on device/);
    assert.deepEqual(files(out), [], "neither the final name nor the partial exists");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
