/**
 * A child process for kv_choice_test.ts: reads the configuration the way `serve` does (the
 * process env over `.env` in the cwd), opens KV with `openConfiguredKv()` and reads one key.
 * Prints `READ` or `FAILED <message>`; exits 3 when the read hangs (a remote KV that refuses
 * connections is retried forever by Deno). A child, because `openConfiguredKv()` sets
 * DENO_KV_ACCESS_TOKEN in the process environment.
 */
import { loadEnv } from "../../core/config/dotenv.ts";
import { readServerConfig } from "../../core/config/server_config.ts";
import { openConfiguredKv } from "../../routes/kv_open.ts";

const env = await loadEnv({ cwd: Deno.cwd(), processEnv: Deno.env.toObject() });
const kv = await openConfiguredKv(readServerConfig(env));
const hang = Symbol("hang");
let timer: ReturnType<typeof setTimeout> | undefined;
try {
  const result = await Promise.race([
    kv.get(["probe"]),
    new Promise<symbol>((resolve) => timer = setTimeout(() => resolve(hang), 3000)),
  ]);
  if (result === hang) Deno.exit(3);
  console.log("READ");
} catch (err) {
  console.log(`FAILED ${err instanceof Error ? err.message : err}`);
} finally {
  clearTimeout(timer);
  kv.close();
}
