/** The per-runner state tasks share: open input archives and throttled progress reports. */
import type { TaskContext } from "./process_task.ts";
import { ZipArchive } from "./zip_source.ts";

/** At most one progress report per task this often: a 1 GB/s file would otherwise send 1000/s. */
export const PROGRESS_INTERVAL_MS = 200;

/** A {@link TaskContext} plus `close()` for the archives it opened. */
export interface RunnerContext extends TaskContext {
  close(): Promise<void>;
}

/** Creates a context whose archives are opened once and shared by concurrent tasks. */
export function createTaskContext(
  onProgress?: (id: number, bytes: number) => void,
): RunnerContext {
  const archives = new Map<string, Promise<ZipArchive>>();
  const last = new Map<number, number>();
  return {
    archive(path) {
      let a = archives.get(path);
      if (!a) archives.set(path, a = ZipArchive.open(path));
      return a;
    },
    onProgress(id, bytes) {
      const now = performance.now();
      if (now - (last.get(id) ?? 0) < PROGRESS_INTERVAL_MS) return;
      last.set(id, now);
      onProgress?.(id, bytes);
    },
    async close() {
      for (const a of archives.values()) await (await a.catch(() => undefined))?.close();
      archives.clear();
    },
  };
}
