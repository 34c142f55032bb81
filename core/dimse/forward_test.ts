import assert from "node:assert/strict";
import { join } from "node:path";
import { createLogger } from "../log/logger.ts";
import { createForwarder } from "./forward.ts";
import { readPart10Header } from "./part10_header.ts";
import {
  CORPUS,
  multipartParts,
  run,
  startStorescp,
  startTestScp,
  stowServer,
  type TestScp,
} from "./_test_harness.ts";

const SENT = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm", "pydicom__rtplan.dcm"]
  .map((f) => join(CORPUS, f));

/** The batch outputs of the SCP's only batch, in order. */
async function outputs(t: TestScp): Promise<string[]> {
  const [batch, ...more] = await t.batches.store.live();
  assert.equal(more.length, 0);
  const files = await t.batches.store.files(batch.id);
  assert.deepEqual(files.map((f) => f.status), SENT.map(() => "done"));
  return files.map((f) => t.batches.disk.filePath(batch.id, f.path));
}

async function dataset(path: string): Promise<Uint8Array> {
  using f = await Deno.open(path);
  return (await Deno.readFile(path)).subarray((await readPart10Header(f)).datasetOffset);
}

Deno.test("startScp() forwards what an association stored to a C-STORE SCP (storescp)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dimse-fwd-" });
  const archive = await startStorescp(dir);
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  const target = {
    kind: "dimse",
    aeTitle: "ARCHIVE",
    host: "127.0.0.1",
    port: archive.port,
  } as const;
  const t = await startTestScp({
    forwarder: createForwarder(target, { callingAeTitle: "DEID", log }),
  });
  try {
    const r = await run("storescu", ["-aec", "DEID", "127.0.0.1", String(t.port), ...SENT]);
    assert.equal(r.code, 0, r.stderr);
    await t.scp.idle();
    const ours = await Promise.all((await outputs(t)).map(dataset));
    const received = await Promise.all(
      [...Deno.readDirSync(dir)].map((e) => dataset(join(dir, e.name))),
    );
    const key = (d: Uint8Array) => d.join(",");
    assert.deepEqual(
      received.map(key).sort(),
      ours.map(key).sort(),
      "the anonymized datasets, bit for bit",
    );
    assert.ok(logs.some((l) => /"dimse forwarded".*"to":"dimse","sent":3,"failed":0/.test(l)));
  } finally {
    await t.dispose();
    await archive.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startScp() forwards what an association stored to a STOW-RS endpoint", async () => {
  const stow = await stowServer(200, {});
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  const forwarder = createForwarder({ kind: "stow", url: stow.url }, {
    callingAeTitle: "DEID",
    token: "t0k",
    log,
  });
  const t = await startTestScp({ forwarder });
  try {
    const r = await run("storescu", ["-aec", "DEID", "127.0.0.1", String(t.port), ...SENT]);
    assert.equal(r.code, 0, r.stderr);
    await t.scp.idle();
    assert.equal(stow.received.length, 1, "one POST per association");
    const { headers, body } = stow.received[0];
    assert.equal(headers.authorization, "Bearer t0k");
    const parts = multipartParts(body, String(headers["content-type"]).split("boundary=")[1]);
    const files = await Promise.all((await outputs(t)).map((p) => Deno.readFile(p)));
    assert.deepEqual(parts.map((p) => p.data), files);
    assert.ok(logs.some((l) => /"dimse forwarded".*"to":"stow","status":200,"sent":3/.test(l)));
  } finally {
    await t.dispose();
    await stow.close();
  }
});
