/**
 * The KV the server uses, opened by a command-line process (`DATA_DIR/kv.sqlite3`, `KV_PATH`
 * or `KV_URL` from the environment and `.env`), so the CLI and the server share one sequence
 * of pseudonyms. Also reports CROSSWALK_ENABLED from the same configuration.
 */
import { loadEnv } from "../core/config/dotenv.ts";
import { readServerConfig, type ServerConfig } from "../core/config/server_config.ts";
import { openConfiguredKv } from "../routes/kv_open.ts";

/** The configuration as the server would read it in `cwd`. */
export async function cliServerConfig(cwd = Deno.cwd()): Promise<ServerConfig> {
  const env = await loadEnv({ cwd, processEnv: Deno.env.toObject() });
  return readServerConfig(env);
}

/** Opens the configured KV; the caller closes it. */
export async function openCliKv(config: ServerConfig): Promise<Deno.Kv> {
  return await openConfiguredKv(config);
}

/** Where the KV is, for messages (a path or URL host; never a token). */
export function describeKv(config: ServerConfig): string {
  return config.kvUrl !== undefined ? `remote KV at ${new URL(config.kvUrl).host}` : config.kvPath;
}
