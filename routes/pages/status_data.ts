/**
 * What the Status screen and `GET /api/status` report: version, uptime, disk use of the data
 * directory, free space on its file system, live batches and readiness. No secrets and no
 * configuration values beyond the data directory's path.
 */
import { statfs } from "node:fs/promises";
import { join } from "node:path";
import { VERSION } from "../../cli/usage.ts";
import type { StatusInfo } from "../../islands/Status.tsx";
import type { ServerContext } from "../context.ts";

// A data dir with millions of files must not stall the page: stop counting after this many.
const MAX_ENTRIES = 200_000;

/** Sum of file sizes under `dir` (symlinks not followed), capped at {@link MAX_ENTRIES}. */
export async function diskUse(dir: string): Promise<number> {
  let bytes = 0;
  let seen = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch {
      return; // vanished (a batch deleted meanwhile) or unreadable
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const path = join(d, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.isFile) bytes += await Deno.lstat(path).then((s) => s.size, () => 0);
    }
  };
  await walk(dir);
  return bytes;
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

/** Collects the status facts. */
export async function collectStatus(ctx: ServerContext): Promise<StatusInfo> {
  const dataDir = ctx.config.dataDir;
  const [dataBytes, fs, live, writable] = await Promise.all([
    diskUse(dataDir),
    statfs(dataDir).catch(() => null),
    ctx.batches.store.live(),
    probe(async () => {
      const path = join(dataDir, `.status-${crypto.randomUUID()}`);
      await Deno.writeTextFile(path, "ok", { createNew: true });
      await Deno.remove(path);
    }),
  ]);
  const counts = await Promise.all(
    live.map(async (b) => (await ctx.batches.store.files(b.id)).length),
  );
  return {
    version: VERSION,
    deno: Deno.version.deno,
    uptimeMs: Math.round(performance.now()),
    dataDir,
    dataBytes,
    diskFree: fs ? fs.bavail * fs.bsize : null,
    diskTotal: fs ? fs.blocks * fs.bsize : null,
    activeBatches: live.length,
    batchFiles: counts.reduce((a, b) => a + b, 0),
    ready: writable,
  };
}
