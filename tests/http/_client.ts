/**
 * A node:http client for streaming tests: writes the body in chunks of a chosen size (so the
 * server sees several client chunkings) and reads the answer concurrently.
 */
import { request } from "node:http";
import { Buffer } from "node:buffer";

/** The answer to a chunked upload. */
export interface Upload {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** Bytes of the body sent when the first answer byte arrived (-1: never). */
  sentAtFirstByte: number;
  /** The connection broke before the answer ended. */
  aborted: boolean;
}

/** Options of {@link upload}. */
export interface UploadOptions {
  chunkSize?: number;
  headers?: Record<string, string>;
  method?: string;
  /** Called before each write; may wait (e.g. for the first answer byte). */
  beforeWrite?: (sent: number, firstByte: Promise<void>) => Promise<void> | void;
}

/** Uploads `body` to `url` in chunks and collects the answer. */
export function upload(url: string, body: Uint8Array, opts: UploadOptions = {}): Promise<Upload> {
  const size = opts.chunkSize ?? body.length;
  return new Promise((resolve, reject) => {
    let sent = 0;
    const result: Upload = {
      status: 0,
      headers: {},
      body: new Uint8Array(),
      sentAtFirstByte: -1,
      aborted: false,
    };
    let gotFirst!: () => void;
    const firstByte = new Promise<void>((r) => gotFirst = r);
    const parts: Uint8Array[] = [];
    // A fresh connection per upload: a reused one that the server broke would blur the results.
    const req = request(url, {
      method: opts.method ?? "POST",
      headers: opts.headers,
      agent: false,
    });
    req.on("response", (res) => {
      result.status = res.statusCode ?? 0;
      result.headers = res.headers;
      res.on("data", (chunk: Uint8Array) => {
        if (result.sentAtFirstByte < 0) result.sentAtFirstByte = sent;
        gotFirst();
        parts.push(chunk);
      });
      res.on("aborted", () => result.aborted = true);
      res.on("error", () => result.aborted = true);
      res.on("close", () => {
        result.body = new Uint8Array(Buffer.concat(parts));
        result.aborted ||= !res.complete;
        resolve(result);
      });
    });
    req.on("error", (err) => {
      // A reset before any answer is an aborted transfer, not a test failure.
      if (result.status === 0 && (err as { code?: string }).code === "ECONNRESET") {
        resolve({ ...result, aborted: true });
      } else if (result.status === 0) reject(err);
    });
    (async () => {
      for (let off = 0; off < body.length; off += size) {
        await opts.beforeWrite?.(sent, firstByte);
        const chunk = body.subarray(off, Math.min(off + size, body.length));
        sent += chunk.length;
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(reject);
  });
}
