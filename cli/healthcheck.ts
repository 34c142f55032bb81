import { loadEnv } from "../core/config/dotenv.ts";
import { readServerConfig } from "../core/config/server_config.ts";

/**
 * `main.ts healthcheck`: asks the local server's `/health` (Docker HEALTHCHECK without curl).
 * Exit 0 when it answers 200 within 3 s, else 1. Reads PORT from the environment and `.env`.
 */
export async function healthcheck(argv: string[]): Promise<number> {
  const env = await loadEnv({ cwd: Deno.cwd(), processEnv: Deno.env.toObject() });
  const portFlag = argv.indexOf("--port");
  const port = portFlag >= 0 ? Number(argv[portFlag + 1]) : readServerConfig(env).port;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(3000),
    });
    await res.body?.cancel();
    if (res.ok) return 0;
    console.error(`healthcheck: /health answered ${res.status}`);
  } catch (error) {
    console.error(`healthcheck: ${error instanceof Error ? error.message : error}`);
  }
  return 1;
}
