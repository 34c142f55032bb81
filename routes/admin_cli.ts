/**
 * `main.ts admin reset-password [--password-stdin]`: sets a new admin password in KV, ends
 * every admin session and clears the account's login delay. Without `--password-stdin` a
 * password is generated into `$DATA_DIR/admin-password` (0600) and only that path is printed.
 */
import { parseArgs } from "node:util";
import {
  ADMIN_ACCOUNT,
  ADMIN_PASSWORD_FILE,
  setPassword,
  writeSecretFile,
} from "../core/auth/accounts.ts";
import { generatePassword } from "../core/auth/password.ts";
import { SessionStore } from "../core/auth/sessions.ts";
import { loadEnv } from "../core/config/dotenv.ts";
import { readServerConfig } from "../core/config/server_config.ts";
import { withKvRetry } from "../core/kv/retry.ts";
import { openConfiguredKv } from "./kv_open.ts";

const MIN_LENGTH = 12;

/** Runs the command (argv after `admin reset-password`); returns the process exit code. */
export async function resetAdminPassword(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { "password-stdin": { type: "boolean", default: false } },
    strict: true,
  });
  const processEnv = Deno.env.toObject();
  const env = await loadEnv({ cwd: Deno.cwd(), processEnv });
  const config = readServerConfig(env);
  let typed: string | undefined;
  if (values["password-stdin"]) {
    typed = (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
    if (typed.length < MIN_LENGTH) {
      console.error(`The new password must have at least ${MIN_LENGTH} characters`);
      return 2;
    }
  }
  const kv = await openConfiguredKv(config);
  try {
    const now = Date.now();
    const store = async (password: string) => {
      await setPassword(kv, ADMIN_ACCOUNT, password, now);
      return true;
    };
    if (typed !== undefined) {
      await store(typed);
      console.log("Admin password updated");
    } else {
      const password = generatePassword();
      const path = await writeSecretFile(
        config.dataDir,
        ADMIN_PASSWORD_FILE,
        password,
        () => store(password),
      );
      console.log(`New admin password written to ${path} (mode 0600)`);
    }
    const sessions = new SessionStore({ kv, clock: () => now, idleMs: 0, maxMs: 0 });
    const ended = await sessions.destroyAccount(ADMIN_ACCOUNT);
    await withKvRetry(() => kv.delete(["lockout", "account", ADMIN_ACCOUNT]));
    console.log(`Ended ${ended} admin session(s)`);
    if (config.adminPassword !== undefined) {
      console.error("Warning: ADMIN_PASSWORD is set; it replaces this password at the next start");
    }
    return 0;
  } finally {
    kv.close();
  }
}
