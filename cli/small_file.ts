/**
 * The small-file path of the CLI: read whole, transform, write the partial output in one go,
 * all with synchronous file calls. For thousands of tiny slices the async fs ops cost more than
 * the de-identification itself; the pool runs this in worker threads, so blocking is harmless.
 */
import { concat } from "../core/dicom/file_meta.ts";
import { type ChunkTransform, READ_SIZE } from "./pipe_file.ts";
import type { TaskOutput } from "./task.ts";

/**
 * One read buffer per thread, reused for every small file: a fresh array per file (what
 * `Deno.readFileSync` returns) is zeroed, then collected, and on 2,000 slices of 528 KB that
 * was a gigabyte of garbage. The path is synchronous from read to write, so no two files share
 * it at once, and the parser keeps no view of a pushed chunk (core/dicom buffer contract).
 */
let shared: Uint8Array | undefined;

/** The whole file: a view of the shared buffer, or a new array when it does not fit. */
function readWhole(path: string): Uint8Array {
  const buffer = shared ??= new Uint8Array(READ_SIZE);
  using file = Deno.openSync(path);
  let n = 0;
  while (n < buffer.length) {
    const got = file.readSync(buffer.subarray(n));
    if (got === null) return buffer.subarray(0, n);
    n += got;
  }
  // It grew past the buffer since it was planned: the rest in a new array.
  const rest: Uint8Array[] = [buffer.slice(0, n)];
  for (let chunk = new Uint8Array(READ_SIZE);; chunk = new Uint8Array(READ_SIZE)) {
    const got = file.readSync(chunk);
    if (got === null) return concat(rest);
    rest.push(chunk.subarray(0, got));
  }
}

/** Folders already created in this process (mkdir -p once per folder, not once per file). */
const madeDirs = new Set<string>();

/** Transforms `src` into `out`'s partial file (nothing for a dry run). */
export function transformSmall(
  src: string,
  out: Exclude<TaskOutput, { kind: "none" }> | undefined,
  t: ChunkTransform,
): void {
  // Every chunk below may be a view of the shared buffer: all are written before it is reused.
  const chunks = [...t.push(readWhole(src)), ...t.finish()];
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
