/**
 * A C-STORE SCP in its own process, for measuring its memory: DATA_DIR from the environment,
 * prints `PORT n` once listening; when stdin closes, prints one JSON line with its peak RSS
 * (VmHWM) at start-up and now, in KiB, and exits.
 */
import { join } from "node:path";
import { BatchService } from "../../core/batches/service.ts";
import { startScp } from "../../core/dimse/scp.ts";
import { createLogger } from "../../core/log/logger.ts";
import { TEST_KEY } from "../support/anonymize_tree.ts";

const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))![1]);

const dataDir = Deno.env.get("DATA_DIR")!;
const kv = await Deno.openKv(join(dataDir, "kv.sqlite3"));
const batches = new BatchService({
  kv,
  dataDir,
  ttlMs: 3600_000,
  maxUploadBytes: 4 * 1024 ** 3,
  deidKey: TEST_KEY,
});
const scp = await startScp({
  host: "127.0.0.1",
  port: 0,
  aeTitle: "DEID",
  maxAssociations: 4,
  idleMs: 60_000,
  batches,
  settings: "",
  log: createLogger("error"),
});
const startKb = hwm();
console.log(`PORT ${scp.port}`);
for await (const _ of Deno.stdin.readable) { /* until EOF */ }
await scp.close();
console.log(JSON.stringify({ startKb, peakKb: hwm() }));
kv.close();
