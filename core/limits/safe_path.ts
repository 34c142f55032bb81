import { UnsafePathError } from "./errors.ts";

/** Longest accepted relative path, in UTF-8 bytes (KV keys allow 2 KiB). */
export const MAX_PATH_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;
// Controls, and characters Windows forbids, which a user may unzip a download onto.
// deno-lint-ignore no-control-regex
const BAD_CHARS = /[\x00-\x1f\x7f\\:*?"<>|]/;

/**
 * Validates a client-supplied relative path ("study/series/IM0001.dcm") and returns it with
 * `/` separators. Rejects absolute paths, `.`/`..`/empty segments, backslashes, drive
 * letters, control characters and over-long names (zip-slip and path traversal).
 */
export function safeRelativePath(raw: string): string {
  if (raw === "") throw new UnsafePathError("empty");
  if (new TextEncoder().encode(raw).length > MAX_PATH_BYTES) {
    throw new UnsafePathError(`longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (raw.startsWith("/")) throw new UnsafePathError("absolute");
  if (BAD_CHARS.test(raw)) throw new UnsafePathError("control, backslash or reserved character");
  const segments = raw.split("/");
  for (const s of segments) {
    if (s === "" || s === "." || s === "..") throw new UnsafePathError("empty, . or .. segment");
    if (new TextEncoder().encode(s).length > MAX_SEGMENT_BYTES) {
      throw new UnsafePathError(`a name longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
    if (s.endsWith(".") || s.endsWith(" ")) {
      throw new UnsafePathError("a name ending in a dot or space");
    }
  }
  return segments.join("/");
}

/**
 * Decodes the percent-encoded path segments of a URL tail and validates the result; an
 * encoded `/` (%2F) inside a segment is refused rather than reinterpreted.
 */
export function safePathFromUrl(tail: string): string {
  const parts = tail.split("/").map((seg) => {
    let s: string;
    try {
      s = decodeURIComponent(seg);
    } catch {
      throw new UnsafePathError("bad percent-encoding");
    }
    if (s.includes("/")) throw new UnsafePathError("encoded slash");
    return s;
  });
  return safeRelativePath(parts.join("/"));
}
