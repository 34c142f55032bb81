/**
 * Atomic outputs: each file is written under a hidden partial name in its final folder and
 * published by a rename once complete, so a killed run never leaves a truncated file under a
 * final name (rename within one folder is atomic on POSIX file systems).
 */
import { basename, dirname, join } from "node:path";
import { exists, existsSync } from "../core/fs/exists.ts";

/** Re-exported: the CLI's callers check outputs through this module. */
export { exists };

/** An output already exists and `--overwrite` was not given. */
export class OutputExistsError extends Error {
  /** Creates the error; the message names the path only. */
  constructor(path: string) {
    super(`${path} already exists (pass --overwrite to replace it)`);
    this.name = "OutputExistsError";
  }
}

/** A random suffix for partial names: two runs into one folder never share a partial. */
export function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The partial name for `finalPath`: `.name.partial-<random>` in the same folder. */
export function partialPath(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.partial-${randomSuffix()}`);
}

/**
 * Publishes a finished partial under `finalPath`. Without `overwrite` it uses a hard link,
 * which fails when the target exists (no check-then-rename race), then drops the partial name.
 * Throws {@link OutputExistsError} when the target exists and may not be replaced.
 */
export async function commitPartial(
  partial: string,
  finalPath: string,
  overwrite: boolean,
): Promise<void> {
  if (overwrite) return await Deno.rename(partial, finalPath);
  try {
    await Deno.link(partial, finalPath);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) throw new OutputExistsError(finalPath);
    // No hard links here (some network or FAT file systems): check, then rename.
    if (await exists(finalPath)) throw new OutputExistsError(finalPath);
    return await Deno.rename(partial, finalPath);
  }
  await Deno.remove(partial);
}

/**
 * {@link commitPartial} with synchronous calls, for the small-file path that runs in worker
 * threads: two async fs ops per file cost more there than the blocking calls they replace.
 */
export function commitPartialSync(partial: string, finalPath: string, overwrite: boolean): void {
  if (overwrite) return Deno.renameSync(partial, finalPath);
  try {
    Deno.linkSync(partial, finalPath);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) throw new OutputExistsError(finalPath);
    if (existsSync(finalPath)) throw new OutputExistsError(finalPath);
    return Deno.renameSync(partial, finalPath);
  }
  Deno.removeSync(partial);
}

/** {@link removeQuietly} with a synchronous call. */
export function removeQuietlySync(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Removes a file if present; used on every failure path, so it never throws NotFound. */
export async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Writes `text` to `path` atomically (the `--report` file); replaces an older one. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const partial = partialPath(path);
  try {
    await Deno.writeTextFile(partial, text, { createNew: true });
    await Deno.rename(partial, path);
  } catch (err) {
    await removeQuietly(partial);
    throw err;
  }
}
