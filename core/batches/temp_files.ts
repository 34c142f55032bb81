/**
 * Temp files under DATA_DIR (batch uploads in `batches/<id>/.tmp/`, ZIP spools in `tmp/`)
 * that a killed process cannot leave behind for good. Each is created with an exclusive
 * advisory lock (flock) held while it is written; the kernel drops the lock when its process
 * dies, even on SIGKILL. A sweep can therefore tell a live upload of another server process on
 * the same DATA_DIR (locked) from an orphan (unlocked), without guessing from ages.
 */
import { join } from "node:path";

/** A file being written: what upload code needs, and what tests replace (disk full). */
export interface TempWriter {
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

/** Creates a new temp file for writing; injected so tests can simulate ENOSPC. */
export type OpenTemp = (path: string) => Promise<TempWriter>;

/** Suffix of every temp file; the sweep removes nothing else. */
export const TEMP_SUFFIX = ".part";

// A file is created, then locked: in that instant it looks orphaned. Files younger than this
// are left alone (their writer may be between the two calls).
const CREATE_GRACE_MS = 2_000;

/** The default {@link OpenTemp}: `createNew`, mode 0600, exclusive lock until closed. */
export async function openLockedTemp(path: string): Promise<TempWriter> {
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  try {
    await file.tryLock(true); // a fresh file: nobody else can hold it
  } catch (err) {
    file.close();
    throw err;
  }
  return file;
}

/** True while some process holds the lock of `path` (a writer is alive); false if absent. */
export async function isHeld(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  try {
    return !(await file.tryLock(true));
  } finally {
    file.close(); // closing our description releases our lock, never the writer's
  }
}

/**
 * Removes the unlocked temp files in `dir` (their writer is gone) that are older than the
 * creation grace; `now` is wall-clock time, as file timestamps are. Returns how many.
 */
export async function sweepTempDir(dir: string, now: number): Promise<number> {
  let removed = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(TEMP_SUFFIX)) continue;
      const path = join(dir, e.name);
      const info = await Deno.lstat(path).catch(() => null);
      if (info === null || now - (info.mtime?.getTime() ?? 0) < CREATE_GRACE_MS) continue;
      if (await isHeld(path)) continue;
      await Deno.remove(path).then(() => removed++, () => {});
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return removed;
}
