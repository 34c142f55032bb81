/**
 * Accounts and their password hashes in KV, keyed by account name so more users can come
 * later. Today there is one, `admin`, whose password comes from ADMIN_PASSWORD or is
 * generated on first start into a 0600 file (only its path is ever printed).
 */
import { join } from "node:path";
import { withKvRetry } from "../kv/retry.ts";
import { generatePassword, hashPassword, verifyPassword } from "./password.ts";

/** The one account that exists today. */
export const ADMIN_ACCOUNT = "admin";
/** File (in DATA_DIR) that receives a generated admin password. */
export const ADMIN_PASSWORD_FILE = "admin-password";

interface AccountRecord {
  readonly passwordHash: string;
  readonly updatedAt: number;
}

const accountKey = (account: string): Deno.KvKey => ["account", account];
// Verifying against this when the account does not exist keeps the timing the same.
let dummyHash: Promise<string> | undefined;

/**
 * Checks a login. Unknown accounts cost one derivation too, so response time does not tell
 * which account names exist.
 */
export async function verifyLogin(kv: Deno.Kv, account: string, password: string) {
  const rec = await withKvRetry(() => kv.get<AccountRecord>(accountKey(account)));
  if (rec.value === null) {
    await verifyPassword(password, await (dummyHash ??= hashPassword(generatePassword())));
    return false;
  }
  return await verifyPassword(password, rec.value.passwordHash);
}

/** Stores a new password hash for `account`, replacing any earlier one. */
export async function setPassword(kv: Deno.Kv, account: string, password: string, now: number) {
  const record: AccountRecord = { passwordHash: await hashPassword(password), updatedAt: now };
  await withKvRetry(() => kv.set(accountKey(account), record));
}

/** What {@link ensureAdminPassword} did, for the startup message. */
export type AdminPasswordOutcome =
  | { readonly kind: "env" | "existing" }
  | { readonly kind: "generated"; readonly path: string };

/**
 * Makes sure the admin account has a password. ADMIN_PASSWORD wins (re-hashed only when it
 * changed); otherwise an existing hash is kept; otherwise a password is generated, written to
 * `$DATA_DIR/admin-password` (0600) and its hash stored. Several processes may start at once:
 * the KV commit decides the winner before the file is published, so file and hash agree.
 */
export async function ensureAdminPassword(
  kv: Deno.Kv,
  opts: { readonly password?: string; readonly dataDir: string; readonly now: number },
): Promise<AdminPasswordOutcome> {
  const key = accountKey(ADMIN_ACCOUNT);
  const current = await withKvRetry(() => kv.get<AccountRecord>(key));
  if (opts.password !== undefined) {
    const same = current.value !== null &&
      await verifyPassword(opts.password, current.value.passwordHash);
    if (!same) await setPassword(kv, ADMIN_ACCOUNT, opts.password, opts.now);
    return { kind: "env" };
  }
  if (current.value !== null) return { kind: "existing" };
  const password = generatePassword();
  const record = { passwordHash: await hashPassword(password), updatedAt: opts.now };
  const path = await writeSecretFile(
    opts.dataDir,
    ADMIN_PASSWORD_FILE,
    password,
    async () =>
      (await withKvRetry(() =>
        kv.atomic().check({ key, versionstamp: null }).set(key, record)
          .commit()
      )).ok,
  );
  return path === undefined ? { kind: "existing" } : { kind: "generated", path };
}

/**
 * Writes `text` to a 0600 temp file, runs `commit`, and only if it returns true renames the
 * file into place; the temp file is removed on every other path. Returns the final path.
 */
export async function writeSecretFile(
  dir: string,
  name: string,
  text: string,
  commit: () => Promise<boolean>,
): Promise<string | undefined> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.${crypto.randomUUID()}`);
  await Deno.writeTextFile(tmp, text + "\n", { createNew: true, mode: 0o600 });
  try {
    if (!(await commit())) return undefined;
    await Deno.rename(tmp, path);
    return path;
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
