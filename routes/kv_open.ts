/** Opens the server's KV: remote when KV_URL is set, else the local file (creating its folder). */
import { dirname } from "node:path";
import type { ServerConfig } from "../core/config/server_config.ts";

/**
 * Opens KV per the configuration. Deno's remote KV client reads its token from the process
 * environment only, so DENO_KV_ACCESS_TOKEN (possibly from `.env`) is copied there first.
 */
export async function openConfiguredKv(config: ServerConfig): Promise<Deno.Kv> {
  if (config.kvUrl !== undefined) {
    if (config.kvAccessToken !== undefined) {
      Deno.env.set("DENO_KV_ACCESS_TOKEN", config.kvAccessToken);
    }
    return await Deno.openKv(config.kvUrl);
  }
  await Deno.mkdir(dirname(config.kvPath), { recursive: true, mode: 0o700 });
  return await Deno.openKv(config.kvPath);
}
