/**
 * A second server process for multi-process tests: `deno run -A _spawn_server.ts` with
 * DATA_DIR (and other config) in the environment. Prints `PORT n` once listening and exits
 * when its stdin closes.
 */
import { join } from "node:path";
import { readServerConfig } from "../../core/config/server_config.ts";
import { createLogger } from "../../core/log/logger.ts";
import { startServer } from "../../routes/serve.ts";
import { KEY } from "./_harness.ts";

const config = readServerConfig({ ...Deno.env.toObject(), PORT: "0" });
const kv = await Deno.openKv(join(config.dataDir, "kv.sqlite3"));
const server = await startServer({ config, kv, deidKey: KEY, log: createLogger("error") });
console.log(`PORT ${server.port}`);
for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
await server.close();
kv.close();
