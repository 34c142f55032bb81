import { join } from "node:path";
import { decodeKeyFile, decodeKeyValue, toHex } from "./key_material.ts";

/** Where the de-identification key came from, for the startup message. */
export type DeidKeySource = "key-file" | "env" | "dotenv" | "data-dir" | "data-dir-created";

/** A resolved key. Deliberately has no text form of the key. */
export interface DeidKey {
  /** Key bytes for HMAC (UID remapping, date shifts); at least 16. */
  key: Uint8Array;
  source: DeidKeySource;
  /** The key file, for the file-based sources. */
  path?: string;
  /** The key file is readable by group or others: the caller should warn. */
  readableByOthers: boolean;
}

/** Inputs of {@link resolveDeidKey}; all injected so tests use temp dirs and fake envs. */
export interface ResolveDeidKeyOptions {
  /** `--key-file PATH`; wins over everything. */
  keyFile?: string;
  /** The merged env from `loadEnv()`. */
  env: Readonly<Record<string, string>>;
  /** The process env alone: tells `DEID_KEY` from the process apart from one in `.env`. */
  processEnv?: Readonly<Record<string, string>>;
  /** `ServerConfig.dataDir`; holds `deid.key` when nothing else gives a key. */
  dataDir: string;
}

/** Name of the generated key file inside the data dir. */
export const KEY_FILE_NAME = "deid.key";

/**
 * Finds the key: `--key-file` > `DEID_KEY` in the process env > `DEID_KEY` in `.env` >
 * `$DATA_DIR/deid.key`, which is created (32 random bytes, hex, mode 0600) on first use.
 * A stable key matters: the same key maps the same UIDs to the same output everywhere.
 */
export async function resolveDeidKey(opts: ResolveDeidKeyOptions): Promise<DeidKey> {
  if (opts.keyFile !== undefined) {
    return { ...(await readKeyFile(opts.keyFile)), source: "key-file" };
  }
  const value = opts.env.DEID_KEY?.trim();
  if (value) {
    const fromProcess = opts.processEnv === undefined || opts.processEnv.DEID_KEY !== undefined;
    const source = fromProcess ? "env" : "dotenv";
    return { key: decodeKeyValue(value), source, readableByOthers: false };
  }
  const path = join(opts.dataDir, KEY_FILE_NAME);
  try {
    return { ...(await readKeyFile(path)), source: "data-dir" };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return await createKeyFile(opts.dataDir, path);
}

/** One line for the startup log: where the key came from, never what it is. */
export function describeDeidKey(k: DeidKey): string {
  const where = {
    "key-file": `key file ${k.path}`,
    "env": "DEID_KEY in the environment",
    "dotenv": "DEID_KEY in .env",
    "data-dir": `${k.path}`,
    "data-dir-created": `${k.path} (created now: back it up, outputs depend on it)`,
  }[k.source];
  const warning = k.readableByOthers ? `; warning: ${k.path} is readable by others, chmod 600` : "";
  return `De-identification key from ${where}${warning}`;
}

async function readKeyFile(path: string): Promise<Omit<DeidKey, "source">> {
  const bytes = await Deno.readFile(path);
  const mode = (await Deno.stat(path)).mode;
  // mode is null on Windows, where POSIX bits do not apply.
  const readableByOthers = mode !== null && (mode & 0o044) !== 0;
  return { key: decodeKeyFile(bytes, path), path, readableByOthers };
}

/**
 * Writes a complete temp file, then publishes it with a hard link: unlike rename, link fails
 * if the target exists, so when two processes start at once one key wins and the loser reads
 * it, and readers never see a half-written key. Where hard links are unsupported, falls back
 * to `createNew` on the target: still never overwrites, but is not atomic for readers.
 */
async function createKeyFile(dataDir: string, path: string): Promise<DeidKey> {
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.getRandomValues(new Uint8Array(32));
  const data = new TextEncoder().encode(toHex(key) + "\n");
  const tmp = join(
    dataDir,
    `.${KEY_FILE_NAME}.${toHex(crypto.getRandomValues(new Uint8Array(8)))}`,
  );
  await writeSynced(tmp, data);
  try {
    await Deno.link(tmp, path);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return await lostRace(path);
    try {
      await writeSynced(path, data);
    } catch (err2) {
      if (err2 instanceof Deno.errors.AlreadyExists) return await lostRace(path);
      throw err2;
    }
  } finally {
    await Deno.remove(tmp);
  }
  return { key, source: "data-dir-created", path, readableByOthers: false };
}

/** Another process created the key first: use theirs so both agree. */
async function lostRace(path: string): Promise<DeidKey> {
  return { ...(await readKeyFile(path)), source: "data-dir" };
}

/** Creates a new 0600 file (never replacing one) and flushes it to disk. */
async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  try {
    for (let off = 0; off < data.length;) off += await file.write(data.subarray(off));
    await file.syncData(); // a key lost in a crash would silently change every output UID
  } finally {
    file.close();
  }
}
