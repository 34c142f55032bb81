/**
 * Splits a manifest stream into lines (`\n`-terminated, as `deid-manifest/1` writes them), with
 * the SHA-256 of each line's bytes for the chain. A line is held only while it is read (one file
 * record with 10,000 actions is about 1.5 MB); the manifest as a whole never is.
 */
import { createHash } from "node:crypto";

/** One line: its number (1-based), text, SHA-256 of its bytes, and whether `\n` ended it. */
export interface ManifestLine {
  readonly number: number;
  readonly text: string;
  readonly sha256: string;
  readonly terminated: boolean;
}

/** Longest line accepted: 10,000 actions of a few hundred bytes each, with room to spare. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Yields the lines of a manifest; throws RangeError on a line over {@link MAX_LINE_BYTES}. */
export async function* manifestLines(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<ManifestLine> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let number = 0;
  const line = (terminated: boolean): ManifestLine => {
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) bytes.set(p, at), at += p.length;
    parts = [];
    size = 0;
    return {
      number: ++number,
      text: new TextDecoder().decode(bytes),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      terminated,
    };
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      parts.push(chunk.slice(start, nl));
      size += nl - start;
      start = nl + 1;
      yield line(true);
    }
    if (start < chunk.length) {
      size += chunk.length - start;
      if (size > MAX_LINE_BYTES) throw new RangeError(`manifest line ${number + 1} is too long`);
      parts.push(chunk.slice(start));
    }
  }
  if (size > 0) yield line(false);
}
