/** The `serve` command: everything from argv and the environment to a listening server. */
import { parseArgs } from "node:util";
import { ensureAdminPassword } from "../core/auth/accounts.ts";
import { loadEnv } from "../core/config/dotenv.ts";
import { describeDeidKey, resolveDeidKey } from "../core/config/key_store.ts";
import { readServerConfig, redactServerConfig } from "../core/config/server_config.ts";
import { createLogger } from "../core/log/logger.ts";
import { openConfiguredKv } from "./kv_open.ts";
import { startServer } from "./serve.ts";

/**
 * `main.ts serve [--port N] [--host H] [--dimse-port N] [--ae-title AE] [--forward-to DEST]`:
 * loads `.env` under the process env, reads the config, opens KV, resolves the
 * de-identification key, makes sure the admin password exists (printing only the path of a
 * generated one), starts the server (and the DICOM receiver) and prints where they listen.
 * Returns after SIGINT/SIGTERM, once the server and KV are closed.
 */
export async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "dimse-port": { type: "string" },
      "ae-title": { type: "string" },
      "forward-to": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const processEnv = Deno.env.toObject();
  const env = await loadEnv({ cwd: Deno.cwd(), processEnv });
  const config = readServerConfig(env, {
    port: values.port === undefined ? undefined : Number(values.port),
    host: values.host,
    dimsePort: values["dimse-port"] === undefined ? undefined : Number(values["dimse-port"]),
    aeTitle: values["ae-title"],
    forwardTo: values["forward-to"],
  });
  const log = createLogger(config.logLevel);
  log("debug", "config", redactServerConfig(config) as Record<string, string>);
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const kv = await openConfiguredKv(config);
  try {
    const key = await resolveDeidKey({ env, processEnv, dataDir: config.dataDir });
    log(key.readableByOthers ? "warn" : "info", describeDeidKey(key));
    const admin = await ensureAdminPassword(kv, {
      password: config.adminPassword,
      dataDir: config.dataDir,
      now: Date.now(),
    });
    if (admin.kind === "generated") {
      console.log(`Admin password generated: see ${admin.path} (mode 0600)`);
    }
    const server = await startServer({ config, kv, deidKey: key.key, log });
    const host = server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
    console.log(`Listening on http://${host}:${server.port}/`);
    if (server.dimsePort !== undefined) {
      console.log(
        `DICOM C-STORE SCP ${config.dimse.aeTitle} listening on port ${server.dimsePort}`,
      );
    }
    await untilSignal();
    await server.close();
  } finally {
    kv.close();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
}
