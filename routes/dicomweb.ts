/**
 * DICOMweb STOW-RS (PS3.18 §10.5): `POST /dicomweb/studies[/{study}]` with a
 * `multipart/related; type="application/dicom"` body. Each request creates one batch (the
 * query carries the settings, as for `POST /api/batches`); each part is anonymized into it
 * while it streams in, and the answer is the Store Instances Response in DICOM JSON: 200 all
 * stored, 202 some, 409 none. A raw node:http handler, like `/api/anonymize` (why: serve.ts;
 * measured for this route in the README): the parts are split straight from the request's
 * Node chunks, without the Web-stream bridge. Same authentication as the other APIs: a bearer
 * token, or a session with its CSRF header from the same origin.
 */
import { authenticateRaw, headerOf } from "./_middleware/raw_auth.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Buffer } from "node:buffer";
import type { BatchMeta } from "../core/batches/store.ts";
import { StowIngest } from "../core/batches/stow.ts";
import { storeInstancesResponse } from "../core/batches/stow_response.ts";
import { UploadTooLargeError } from "../core/limits/errors.ts";
import { selfOrigin } from "../core/net/forwarded.ts";
import { accepts, isValidBoundary, parseMediaType } from "../core/net/media_type.ts";
import { relatedParts } from "../core/net/multipart_parts.ts";
import { readAhead } from "../core/net/read_ahead.ts";
import { MultipartError } from "../core/net/multipart_related.ts";
import type { ServerContext } from "./context.ts";
import { nodeClientFacts } from "./_middleware/client.ts";
import { clientAborted, httpErrorOf } from "./_middleware/errors.ts";
import { lingerThenClose, replyError, sendRefusal } from "./_middleware/node_reply.ts";
import { annotate } from "./_middleware/request_log.ts";
import type { RawHandler } from "./stream.ts";

const ROUTE = /^\/dicomweb\/studies(?:\/([^/]+))?\/?$/;
/** Parts per request: a large study has a few thousand instances; each costs a KV record. */
const MAX_PARTS = 20_000;
const ANSWER_TYPES = ["application/dicom+json", "application/json"];
const UID = /^[0-9]+(\.[0-9]+)*$/; // lax: real files carry leading zeros too

/** Builds the `/dicomweb/…` handler. */
export function dicomwebHandler(ctx: ServerContext): RawHandler {
  return async (req, res, expectContinue) => {
    const m = ROUTE.exec((req.url ?? "/").split("?")[0]);
    // The route pattern only: the path's Study Instance UID is an original identifier.
    const route = !m ? "/dicomweb/*" : m[1] ? "/dicomweb/studies/:study" : "/dicomweb/studies";
    annotate(req, { route });
    if (!m) return sendRefusal(req, res, 404, { error: "Not found" });
    if (req.method !== "POST") {
      return sendRefusal(req, res, 405, { error: "Only STOW-RS (POST) is served" }, {
        allow: "POST",
      });
    }
    if (!(await authenticateRaw(req, res, ctx))) return;
    const header = (name: string) => headerOf(req, name);
    try {
      const type = parseMediaType(header("content-type"));
      const root = type?.params.get("type")?.toLowerCase();
      if (type?.essence !== "multipart/related" || (root && root !== "application/dicom")) {
        return sendRefusal(req, res, 415, {
          error: 'Expected Content-Type: multipart/related; type="application/dicom"; boundary=…',
        });
      }
      const boundary = type.params.get("boundary") ?? "";
      if (!isValidBoundary(boundary)) {
        throw new MultipartError("the Content-Type has no valid boundary parameter");
      }
      if (!accepts(header("accept"), ANSWER_TYPES)) {
        return sendRefusal(req, res, 406, { error: "The response is application/dicom+json" });
      }
      const study = m[1] === undefined ? undefined : studyOf(m[1]);
      const meta = await ctx.batches.create(new URL(req.url ?? "/", "http://x").searchParams);
      annotate(req, { batch: meta.id });
      if (expectContinue) res.writeContinue();
      await ingest(ctx, req, res, meta, { boundary, study });
    } catch (err) {
      replyError(req, res, err, ctx.log);
    }
  };
}

/** Streams the parts into the batch, then answers with the Store Instances Response. */
async function ingest(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  meta: BatchMeta,
  opts: { boundary: string; study?: string },
): Promise<void> {
  const stow = new StowIngest({ batches: ctx.batches, meta, key: ctx.deidKey, study: opts.study });
  let fault: Error | undefined;
  try {
    let parts = 0;
    const body = readAhead(req); // overlaps network reads with the disk writes (README)
    for await (const part of relatedParts(body, { boundary: opts.boundary, maxParts: MAX_PARTS })) {
      parts++;
      await stow.store(part);
    }
    if (parts === 0) throw new MultipartError("the body has no parts");
  } catch (err) {
    if (
      !clientAborted(req) && (err instanceof MultipartError || err instanceof UploadTooLargeError)
    ) {
      fault = err; // the body is broken from here on; what came before stands
    } else {
      await dropIfEmpty(ctx, meta, stow);
      throw err;
    }
  }
  const kept = !(await dropIfEmpty(ctx, meta, stow));
  const origin = selfOrigin(nodeClientFacts(req, ctx.proxies));
  const batchUrl = `${origin}/api/batches/${meta.id}`;
  const text = JSON.stringify(storeInstancesResponse({
    stored: stow.stored,
    failed: stow.failed,
    retrieveUrl: kept ? `${batchUrl}/zip` : undefined,
    fileUrl: (path) => `${batchUrl}/files/${path}`,
  }));
  const status = fault
    ? httpErrorOf(fault).status
    : stow.stored.length === 0
    ? 409
    : stow.failed.length > 0
    ? 202
    : 200;
  if (fault) annotate(req, { error: fault.name });
  const complete = req.complete;
  res.writeHead(status, {
    "content-type": "application/dicom+json",
    "content-length": String(Buffer.byteLength(text)),
    // PS3.18 §8.6.3 warnings; the message names the problem, never a value.
    ...(fault ? { warning: `299 deid "${fault.message.replace(/["\\]/g, "'")}"` } : {}),
  });
  res.end(text);
  if (!complete) lingerThenClose(req);
}

/** Removes the batch when nothing was stored and no file record was left; true if removed. */
async function dropIfEmpty(ctx: ServerContext, meta: BatchMeta, stow: StowIngest) {
  if (stow.stored.length > 0 || (await ctx.batches.store.files(meta.id)).length > 0) return false;
  await ctx.batches.remove(meta.id);
  return true;
}

/** The Study Instance UID of the path, validated; errors never quote it. */
function studyOf(segment: string): string {
  let uid: string;
  try {
    uid = decodeURIComponent(segment);
  } catch {
    uid = "";
  }
  if (uid.length > 64 || !UID.test(uid)) {
    throw new RangeError("The Study Instance UID in the request path is not a valid UID");
  }
  return uid;
}
