/**
 * `POST /api/anonymize`, the streaming hot path, as a raw node:http handler (why: serve.ts).
 * Auth and parameters are checked before any body byte is read (and before `100 Continue`);
 * then each upload chunk goes through the synchronous pipeline and its output is written at
 * once, so the anonymized file flows back while the upload is still arriving.
 */
import { authenticateRaw, headerOf } from "./_middleware/raw_auth.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { deidentifierFor, parseAnonymizeParams } from "../core/anonymize/params.ts";
import type { FileJob } from "../core/deid/mod.ts";
import { UploadTooLargeError } from "../core/limits/errors.ts";
import type { ServerContext } from "./context.ts";
import { replyError, sendRefusal } from "./_middleware/node_reply.ts";
import { annotate } from "./_middleware/request_log.ts";
import { anonymizeZip } from "./stream_zip.ts";
import {
  checkZipParams,
  NOTHING_AHEAD,
  readRequestAhead,
  type RequestAhead,
} from "./stream_read_ahead.ts";

/** Handles one request; `expectContinue` when the client waits for `100 Continue`. */
export type RawHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  expectContinue: boolean,
) => Promise<void>;

/** Builds the `/api/anonymize` handler. */
export function anonymizeHandler(ctx: ServerContext): RawHandler {
  return async (req, res, expectContinue) => {
    annotate(req, { route: "/api/anonymize" });
    if (req.method !== "POST") {
      return sendRefusal(req, res, 405, { error: "Use POST" }, { allow: "POST" });
    }
    if (!(await authenticateRaw(req, res, ctx))) return;
    const header = (name: string) => headerOf(req, name);
    try {
      const query = new URL(req.url ?? "/", "http://x").searchParams;
      const params = parseAnonymizeParams(query);
      const deid = deidentifierFor(params, ctx.deidKey);
      const max = ctx.config.maxUploadBytes;
      if (Number(header("content-length") ?? 0) > max) throw new UploadTooLargeError("Upload", max);
      if (expectContinue) res.writeContinue();
      if (/^application\/(x-)?zip\b/i.test(header("content-type") ?? "")) {
        checkZipParams(params);
        return await anonymizeZip(ctx, req, res, deid);
      }
      const ahead = await readRequestAhead(ctx, params, req);
      await pumpDicom(ctx, req, res, deid.start({ pseudonyms: ahead.pseudonyms }), ahead);
    } catch (err) {
      replyError(req, res, err, ctx.log);
    }
  };
}

/**
 * Streams one DICOM upload through `job`. Backpressure: when `res.write()` reports a full
 * buffer the upload is paused until 'drain'. A failure before the first output byte becomes
 * a JSON error; after it the socket is destroyed, so the client sees a broken transfer
 * (curl exits non-zero), never a truncated success.
 */
function pumpDicom(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  job: FileJob,
  ahead: RequestAhead = NOTHING_AHEAD,
) {
  const max = ctx.config.maxUploadBytes;
  return new Promise<void>((resolve) => {
    let bytesIn = 0;
    let done = false;
    let waiting = false;
    const emit = (chunks: Uint8Array[]) => {
      let ok = true;
      for (const chunk of chunks) {
        if (chunk.length === 0) continue;
        if (!res.headersSent) res.writeHead(200, { "content-type": "application/dicom" });
        ok = res.write(chunk);
      }
      if (!ok && !waiting) {
        waiting = true;
        req.pause();
        res.once("drain", () => {
          waiting = false;
          if (!done) req.resume();
        });
      }
    };
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      if (err !== undefined) replyError(req, res, err, ctx.log);
      resolve();
    };
    const onData = (chunk: Uint8Array) => {
      bytesIn += chunk.length;
      if (bytesIn > max) return finish(new UploadTooLargeError("Upload", max));
      try {
        emit(job.pipeline.push(chunk));
      } catch (err) {
        finish(err);
      }
    };
    req.on("data", onData);
    const onEnd = () => {
      if (done) return;
      try {
        emit(job.pipeline.finish());
        if (!res.headersSent) res.writeHead(200, { "content-type": "application/dicom" });
        res.end();
        finish();
      } catch (err) {
        finish(err);
      }
    };
    req.on("end", onEnd);
    req.on("error", () => { // the client went away: nothing to answer
      annotate(req, { error: "ClientAborted" });
      req.socket.destroy();
      finish();
    });
    res.on("close", () => {
      if (!res.writableFinished) req.destroy();
      finish();
    });
    // Chunks read ahead for sequential pseudonyms (routes/stream_read_ahead.ts) come first.
    for (const chunk of ahead.head) if (!done) onData(chunk);
    if (ahead.ended) onEnd();
    else if (!waiting) req.resume();
  });
}
