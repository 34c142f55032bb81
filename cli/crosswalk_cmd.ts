/**
 * `main.ts crosswalk export --out FILE.csv.enc` and `main.ts crosswalk import FILE.csv.enc`:
 * the original ↔ pseudonym table of sequential pseudonyms, encrypted with a passphrase
 * (core/pseudonyms/crosswalk_crypto.ts), for authorized re-identification. Refused unless
 * CROSSWALK_ENABLED=true. Works on the server's KV and key; prints counts only.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadEnv } from "../core/config/dotenv.ts";
import { KEY_FILE_NAME, resolveDeidKey } from "../core/config/key_store.ts";
import { exportCrosswalk, importCrosswalk } from "../core/pseudonyms/crosswalk.ts";
import {
  checkPassphrase,
  CrosswalkDecryptError,
  decryptCrosswalk,
  encryptCrosswalk,
} from "../core/pseudonyms/crosswalk_crypto.ts";
import { CrosswalkError, parseCsv, toCsv } from "../core/pseudonyms/csv.ts";
import { commitPartial, exists, OutputExistsError, partialPath, removeQuietly } from "./atomic.ts";
import { cliServerConfig, openCliKv } from "./kv_cli.ts";
import { readPassphrase } from "./passphrase.ts";

const USAGE = `Usage: main.ts crosswalk export --out FILE.csv.enc [options]
       main.ts crosswalk import FILE.csv.enc [options]

The original <-> pseudonym table of --pseudonyms sequential, encrypted with a passphrase
(AES-256-GCM, PBKDF2-SHA-256 600,000 iterations). Needs CROSSWALK_ENABLED=true.
Options:
  --passphrase-file FILE  read the passphrase from FILE (default: stdin; never argv)
  --key-file PATH         the de-identification key, as for anonymize
  --overwrite             replace an existing --out file
Exit status: 0 done, 1 failed (wrong passphrase, conflicts), 2 usage or not enabled.`;

/** Runs the command (argv after `crosswalk`); returns the exit status. */
export async function crosswalk(argv: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        "passphrase-file": { type: "string" },
        "key-file": { type: "string" },
        overwrite: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help) return console.log(USAGE), 0;
  const [verb, file, ...extra] = positionals;
  if (extra.length) return usage("too many arguments");
  if (verb === "export" && (file !== undefined || values.out === undefined)) {
    return usage("export takes --out FILE.csv.enc");
  }
  if (verb === "import" && (file === undefined || values.out !== undefined)) {
    return usage("import takes the FILE.csv.enc to read");
  }
  if (verb !== "export" && verb !== "import") return usage("expected export or import");
  const config = await cliServerConfig();
  if (!config.crosswalkEnabled) {
    console.error("error: the crosswalk is off; set CROSSWALK_ENABLED=true (.env or environment)");
    return 2;
  }
  const key = await findKey(values["key-file"]);
  if (!key) return usage("no de-identification key (--key-file, DEID_KEY or $DATA_DIR/deid.key)");
  const kv = await openCliKv(config);
  try {
    const passphrase = await readPassphrase(values["passphrase-file"]);
    if (verb === "export") {
      checkPassphrase(passphrase);
      const { rows, withoutOriginal } = await exportCrosswalk(kv, key);
      const data = await encryptCrosswalk(new TextEncoder().encode(toCsv(rows)), passphrase);
      await writeSecret(values.out!, data, values.overwrite);
      const note = withoutOriginal
        ? `; ${withoutOriginal} without original (crosswalk was off)`
        : "";
      console.error(`Exported ${rows.length} row(s) to ${values.out}${note}`);
    } else {
      const plain = await decryptCrosswalk(await Deno.readFile(file!), passphrase);
      const rows = parseCsv(new TextDecoder("utf-8", { fatal: true }).decode(plain));
      const r = await importCrosswalk(kv, key, rows);
      console.error(`Imported ${r.added} new row(s); ${r.unchanged} already present`);
    }
    return 0;
  } catch (err) {
    if (err instanceof RangeError) return usage(err.message);
    const known = err instanceof CrosswalkError || err instanceof CrosswalkDecryptError ||
      err instanceof OutputExistsError;
    console.error(`error: ${known ? (err as Error).message : (err as Error).name}`);
    return 1;
  } finally {
    kv.close();
  }
}

function usage(message: string): number {
  console.error(`error: ${message}\n\n${USAGE}`);
  return 2;
}

/** The key by the anonymize precedence; undefined rather than creating a new one. */
async function findKey(keyFile: string | undefined): Promise<Uint8Array | undefined> {
  const processEnv = Deno.env.toObject();
  const env = await loadEnv({ cwd: Deno.cwd(), processEnv });
  const dataDir = resolve(env.DATA_DIR?.trim() || "./data");
  if (keyFile !== undefined && !(await exists(keyFile))) return undefined;
  const none = keyFile === undefined && !env.DEID_KEY?.trim() &&
    !(await exists(join(dataDir, KEY_FILE_NAME)));
  if (none) return undefined;
  return (await resolveDeidKey({ keyFile, env, processEnv, dataDir })).key;
}

/** Writes a 0600 file under a partial name, then publishes it (refusing to replace). */
async function writeSecret(path: string, data: Uint8Array, overwrite: boolean): Promise<void> {
  const partial = partialPath(path);
  try {
    await Deno.writeFile(partial, data, { createNew: true, mode: 0o600 });
    await commitPartial(partial, path, overwrite);
  } finally {
    await removeQuietly(partial);
  }
}
