/** Read size: large reads keep per-chunk overhead low (TOOLCHAIN §7: 1 MiB ≈ 5 GB/s hops). */
export const READ_SIZE = 1024 * 1024;

/** Anything that turns input chunks into output chunks synchronously (e.g. a DicomPipeline). */
export interface ChunkTransform {
  push(chunk: Uint8Array): Uint8Array[];
  finish(): Uint8Array[];
  /** Input bytes that may skip the transform (DicomPipeline.bypassable); absent: none. */
  bypassable?(): number;
  /** Takes bypassed bytes, returns the output due before them (DicomPipeline.bypass). */
  bypass?(n: number): Uint8Array[];
}

/**
 * Values shorter than this are read and written as usual: a kernel copy costs a few system
 * calls more, which only pays for itself on bulk data (Pixel Data).
 */
const MIN_BYPASS = 64 * 1024;

/** Where a kernel copy can move bypassed bytes (cli/kernel_copy.ts), with both files' handles. */
export interface BypassTarget {
  readonly input: Deno.FsFile;
  readonly output: Deno.FsFile;
  copy(from: number, to: number, n: number, onCopied?: (n: number) => void): Promise<number>;
}

/**
 * Streams `input` through `transform` into `output` with 1 MiB reads and no intermediate
 * Web-stream hops. One read buffer is refilled again and again: the codec keeps no view of a
 * chunk once its output has been written (the DicomParser buffer contract), so nothing is
 * allocated per read. With `bypass`, bulk values the transform lets through unchanged are
 * copied file to file in the kernel instead. Returns the number of bytes read.
 */
export async function pipeFile(
  input: Deno.FsFile,
  output: { write(p: Uint8Array): Promise<number> },
  transform: ChunkTransform,
  onProgress?: (bytesRead: number) => void,
  bypass?: BypassTarget,
): Promise<number> {
  let total = 0;
  let written = 0;
  const buf = new Uint8Array(READ_SIZE);
  for (;;) {
    const room = bypass ? transform.bypassable?.() ?? 0 : 0;
    if (bypass && room >= MIN_BYPASS) {
      written += await writeAll(output, transform.bypass!(0));
      const copied = await bypass.copy(total, written, room, (n) => {
        total += n; // the slices copied so far: the input position too
        onProgress?.(total);
      });
      if (copied > 0) {
        written += await writeAll(output, transform.bypass!(copied));
        written += copied;
        await bypass.input.seek(total, Deno.SeekMode.Start);
        await bypass.output.seek(written, Deno.SeekMode.Start);
      }
      // A short copy (the file ended, or the kernel refused): reading goes on from `total`.
      if (copied === room) continue;
      bypass = undefined;
    }
    const n = await input.read(buf);
    if (n === null) break;
    total += n;
    written += await writeAll(output, transform.push(buf.subarray(0, n)));
    onProgress?.(total);
  }
  await writeAll(output, transform.finish());
  return total;
}

/** Writes every chunk fully (a single `write` may be partial); returns the bytes written. */
export async function writeAll(
  output: { write(p: Uint8Array): Promise<number> },
  chunks: readonly Uint8Array[],
): Promise<number> {
  let total = 0;
  for (const chunk of chunks) {
    let from = 0;
    while (from < chunk.length) from += await output.write(chunk.subarray(from));
    total += chunk.length;
  }
  return total;
}
