/**
 * The outputs `verify` reads: every file under an OUT folder (recursively, stable order), every
 * entry of an OUT ZIP (through the same safe reader as `anonymize`), or one OUT file.
 */
import { basename, resolve } from "node:path";
import type { OutputSource } from "../core/verify/verify_run.ts";
import { UsageError } from "./args.ts";
import { READ_SIZE } from "./pipe_file.ts";
import { walkFiles } from "./walk.ts";
import { entryChunks, ZipArchive } from "./zip_source.ts";

/** Streams a file with one reused 1 MiB buffer (each chunk is consumed before the next read). */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path);
  const buf = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = await file.read(buf);
    if (n === null) return;
    yield buf.subarray(0, n);
  }
}

/** OUT's outputs, and a closer for an opened archive. Files in `exclude` are left out. */
export async function openOutputs(
  out: string,
  exclude: readonly string[] = [],
): Promise<{ outputs: OutputSource[]; close(): Promise<void> }> {
  const info = await Deno.stat(out).catch(() => {
    throw new UsageError(`OUT not found: ${out}`);
  });
  const skip = new Set(await Promise.all(exclude.map((p) => realOrResolved(p))));
  if (info.isDirectory) {
    const files = await walkFiles(await Deno.realPath(out));
    const outputs = [];
    for (const f of files) {
      if (skip.has(await realOrResolved(f.path))) continue;
      outputs.push({ rel: f.rel, open: () => fileChunks(f.path) });
    }
    return { outputs, close: async () => {} };
  }
  if (/\.zip$/i.test(out)) {
    const archive = await ZipArchive.open(out);
    const outputs = archive.list(out).map(({ entry, rel }) => ({
      rel,
      open: () => entryChunks(entry),
    }));
    return { outputs, close: () => archive.close() };
  }
  return { outputs: [{ rel: basename(out), open: () => fileChunks(out) }], close: async () => {} };
}

async function realOrResolved(path: string): Promise<string> {
  return await Deno.realPath(path).catch(() => resolve(path));
}
