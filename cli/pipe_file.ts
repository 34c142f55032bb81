/** Read size: large reads keep per-chunk overhead low (TOOLCHAIN §7: 1 MiB ≈ 5 GB/s hops). */
export const READ_SIZE = 1024 * 1024;

/** Anything that turns input chunks into output chunks synchronously (e.g. a DicomPipeline). */
export interface ChunkTransform {
  push(chunk: Uint8Array): Uint8Array[];
  finish(): Uint8Array[];
}

/**
 * Streams `input` through `transform` into `output` with 1 MiB reads and no intermediate
 * Web-stream hops. One read buffer is refilled again and again: the codec keeps no view of a
 * chunk once its output has been written (the DicomParser buffer contract), so nothing is
 * allocated per read. Returns the number of bytes read.
 */
export async function pipeFile(
  input: Deno.FsFile,
  output: { write(p: Uint8Array): Promise<number> },
  transform: ChunkTransform,
  onProgress?: (bytesRead: number) => void,
): Promise<number> {
  let total = 0;
  const buf = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = await input.read(buf);
    if (n === null) break;
    total += n;
    await writeAll(output, transform.push(buf.subarray(0, n)));
    onProgress?.(total);
  }
  await writeAll(output, transform.finish());
  return total;
}

/** Writes every chunk fully (a single `write` may be partial). */
export async function writeAll(
  output: { write(p: Uint8Array): Promise<number> },
  chunks: readonly Uint8Array[],
): Promise<void> {
  for (const chunk of chunks) {
    let from = 0;
    while (from < chunk.length) from += await output.write(chunk.subarray(from));
  }
}
