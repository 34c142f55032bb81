/** Lists the files under a folder, recursively, in a stable order. */
import { join } from "node:path";

/** One file found by {@link walkFiles}. */
export interface WalkedFile {
  path: string;
  /** Relative to the root, with `/` separators. */
  rel: string;
  size: number;
}

/** Options of {@link walkFiles}. */
export interface WalkOptions {
  /** Absolute paths not to descend into (an output folder inside the input). */
  exclude?: readonly string[];
  /** Told about each symlinked folder, which is not followed (it could loop). */
  onSkippedLink?(rel: string): void;
}

/**
 * Every regular file below `root` (symlinked files included), sorted by name within each
 * folder so runs, reports and progress are reproducible.
 */
export async function walkFiles(root: string, opts: WalkOptions = {}): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const exclude = new Set(opts.exclude ?? []);
  async function visit(dir: string, rel: string): Promise<void> {
    const names: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e);
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of names) {
      const path = join(dir, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (exclude.has(path)) continue;
      const info = e.isSymlink ? await Deno.stat(path).catch(() => undefined) : undefined;
      if (e.isDirectory) await visit(path, childRel);
      else if (e.isFile) out.push({ path, rel: childRel, size: (await Deno.stat(path)).size });
      else if (info?.isFile) out.push({ path, rel: childRel, size: info.size });
      else if (info?.isDirectory) opts.onSkippedLink?.(childRel);
    }
  }
  await visit(root, "");
  return out;
}
