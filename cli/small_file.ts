/**
 * The small-file path of the CLI: read whole, transform, write the partial output in one go,
 * all with synchronous file calls. For thousands of tiny slices the async fs ops cost more than
 * the de-identification itself; the pool runs this in worker threads, so blocking is harmless.
 */
import { concat } from "../core/dicom/file_meta.ts";
import { type ChunkTransform, MIN_BYPASS, READ_SIZE } from "./pipe_file.ts";
import { KernelCopy } from "./kernel_copy.ts";
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

/**
 * What the first read of a file that may take the kernel copy asks for: enough for a header,
 * while Pixel Data beyond it stays unread for the copy.
 */
const HEAD = 64 * 1024;

/** Folders already created in this process (mkdir -p once per folder, not once per file). */
const madeDirs = new Set<string>();

/** An output's partial file, created new (its folder made first, once per folder). */
function createPartial(out: Exclude<TaskOutput, { kind: "none" }>): Deno.FsFile {
  if (out.kind === "dir" && !madeDirs.has(out.dir)) {
    Deno.mkdirSync(out.dir, { recursive: true });
    madeDirs.add(out.dir);
  }
  try {
    return Deno.openSync(out.partial, { write: true, createNew: true });
  } catch (err) {
    // The folder went away since this process made it (another run cleaned up): make it again.
    if (!(err instanceof Deno.errors.NotFound) || out.kind !== "dir") throw err;
    Deno.mkdirSync(out.dir, { recursive: true });
    return Deno.openSync(out.partial, { write: true, createNew: true });
  }
}

/** Writes every chunk fully; returns the bytes written. */
function writeAllSync(file: Deno.FsFile, chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) {
    let from = 0;
    while (from < chunk.length) from += file.writeSync(chunk.subarray(from));
    total += chunk.length;
  }
  return total;
}

/** Transforms `src` into `out`'s partial file (nothing for a dry run). */
export function transformSmall(
  src: string,
  size: number,
  out: Exclude<TaskOutput, { kind: "none" }> | undefined,
  t: ChunkTransform,
): void {
  if (out && t.bypassable && size >= HEAD + MIN_BYPASS) return transformWithCopy(src, out, t);
  // Every chunk below may be a view of the shared buffer: all are written before it is reused.
  const chunks = [...t.push(readWhole(src)), ...t.finish()];
  if (!out) return;
  using file = createPartial(out);
  writeAllSync(file, chunks);
}

/**
 * Reads the first {@link HEAD} bytes (the header, typically, and the start of Pixel Data), then
 * lets the kernel copy what the pipeline lets bypass it (cli/kernel_copy.ts), then reads on.
 * Without a kernel copy this is a plain read/write loop.
 */
function transformWithCopy(
  src: string,
  out: Exclude<TaskOutput, { kind: "none" }>,
  t: ChunkTransform,
): void {
  const buffer = shared ??= new Uint8Array(READ_SIZE);
  using input = Deno.openSync(src);
  using file = createPartial(out);
  using kernel = KernelCopy.open(src, input, out.partial, file);
  let copying = kernel !== undefined;
  let total = 0;
  let written = 0;
  for (;;) {
    const room = copying ? t.bypassable!() : 0;
    if (kernel && room >= MIN_BYPASS) {
      written += writeAllSync(file, t.bypass!(0));
      const copied = kernel.copySync(total, written, room);
      if (copied > 0) {
        written += writeAllSync(file, t.bypass!(copied)) + copied;
        total += copied;
        input.seekSync(total, Deno.SeekMode.Start);
        file.seekSync(written, Deno.SeekMode.Start);
      }
      // A short copy (the file ended, or the kernel refused): reading goes on from `total`.
      copying = copied === room;
      continue;
    }
    const n = input.readSync(total === 0 ? buffer.subarray(0, HEAD) : buffer);
    if (n === null) break;
    total += n;
    written += writeAllSync(file, t.push(buffer.subarray(0, n)));
  }
  writeAllSync(file, t.finish());
}
