/**
 * A `multipart/form-data` body as an async sequence of parts, parsed as it streams by
 * `busboy` (Hono's `parseBody()` would hold the whole upload in memory). A file part is a
 * Node stream the consumer must read or drain before the next part can arrive.
 */
import busboy from "busboy";
import { Readable } from "node:stream";
import { DeidPolicyError } from "../core/deid/mod.ts";

/** One part of the form, in the order the browser sent them (document order). */
export type FormPart =
  | { readonly kind: "field"; readonly name: string; readonly value: string }
  | {
    readonly kind: "file";
    readonly name: string;
    readonly filename: string;
    readonly stream: Readable;
  };

/** Limits: the no-JS form has a few dozen fields and at most two files. */
const LIMITS = { fields: 200, fieldSize: 64 * 1024, files: 2, parts: 210 };

/** Parses `body` (with its request `headers`); malformed bodies throw a RangeError (400). */
export async function* formParts(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
): AsyncGenerator<FormPart> {
  let bb: ReturnType<typeof busboy>;
  try {
    bb = busboy({ headers, limits: LIMITS, defParamCharset: "utf8" });
  } catch {
    throw new RangeError("Expected a multipart/form-data body with a boundary");
  }
  const queue: (FormPart | Error | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (x: FormPart | Error | null) => {
    queue.push(x);
    wake?.();
  };
  bb.on("field", (name: string, value: string, info: { valueTruncated: boolean }) => {
    if (info.valueTruncated) {
      push(new DeidPolicyError(`Form field ${JSON.stringify(name.slice(0, 40))} is too long`));
    } else push({ kind: "field", name, value });
  });
  bb.on("file", (name: string, stream: Readable, info: { filename?: string }) => {
    push({ kind: "file", name, filename: info.filename ?? "", stream });
  });
  for (const limit of ["partsLimit", "filesLimit", "fieldsLimit"]) {
    bb.on(limit, () => push(new RangeError("The form has too many fields or files")));
  }
  bb.on("error", () => push(new RangeError("The form data is malformed or was cut off")));
  bb.on("close", () => push(null));
  // The node:http request itself pipes with back-pressure (see raw_body.ts).
  const source = body instanceof Readable
    ? body
    : body instanceof ReadableStream
    ? Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>)
    : Readable.from(body);
  source.pipe(bb);
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const next = queue.shift()!;
    if (next === null) return;
    if (next instanceof Error) throw next;
    yield next;
  }
}

/** Reads a small file part as UTF-8 text, refusing more than `max` bytes. */
export async function readSmallText(stream: Readable, max: number, what: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Uint8Array).length;
    if (size > max) {
      stream.resume();
      throw new DeidPolicyError(`${what} is larger than ${max / 1024} KiB`);
    }
    chunks.push(chunk as Uint8Array);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}
