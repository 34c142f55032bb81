/**
 * The small-file path of the CLI: read whole, transform, write the partial output in one go,
 * all with synchronous file calls. For thousands of tiny slices the async fs ops cost more than
 * the de-identification itself; the pool runs this in worker threads, so blocking is harmless.
 */
import type { ChunkTransform } from "./pipe_file.ts";
import type { TaskOutput } from "./task.ts";

/** Folders already created in this process (mkdir -p once per folder, not once per file). */
const madeDirs = new Set<string>();

/** Transforms `src` into `out`'s partial file (nothing for a dry run). */
export function transformSmall(
  src: string,
  out: Exclude<TaskOutput, { kind: "none" }> | undefined,
  t: ChunkTransform,
): void {
  const chunks = [...t.push(Deno.readFileSync(src)), ...t.finish()];
  if (!out) return;
  if (out.kind === "dir" && !madeDirs.has(out.dir)) {
    Deno.mkdirSync(out.dir, { recursive: true });
    madeDirs.add(out.dir);
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(out.partial, { write: true, createNew: true });
  } catch (err) {
    // The folder went away since this process made it (another run cleaned up): make it again.
    if (!(err instanceof Deno.errors.NotFound) || out.kind !== "dir") throw err;
    Deno.mkdirSync(out.dir, { recursive: true });
    file = Deno.openSync(out.partial, { write: true, createNew: true });
  }
  try {
    for (const chunk of chunks) {
      let from = 0;
      while (from < chunk.length) from += file.writeSync(chunk.subarray(from));
    }
  } finally {
    file.close();
  }
}
