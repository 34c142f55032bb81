/**
 * JSON answers for the raw node:http route, with the same error mapping as the Hono app.
 * An error answer may go out while the client is still uploading; closing at once would make
 * the kernel reset the connection and the client could lose the answer, so the rest of the
 * body is read and dropped for a bounded time ("lingering close"), then the socket is closed.
 */
import { Buffer } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../core/log/logger.ts";
import { clientAborted, errorLogFields, httpErrorOf } from "./errors.ts";
import { annotate } from "./request_log.ts";

const LINGER_MS = 5_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/** Writes a complete JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Answers with the mapped error, then lingers over an unfinished upload. */
export function replyError(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  log: Logger,
): void {
  if (clientAborted(req)) { // no error line: the request line says ClientAborted
    req.socket.destroy();
    return;
  }
  const mapped = httpErrorOf(err);
  annotate(req, { error: err instanceof Error ? err.name : "Error" });
  if (!mapped.expected) log("error", "request failed", errorLogFields(err));
  if (res.headersSent || res.destroyed) {
    // Output has begun: break the connection so the client cannot take it for a success.
    req.socket.destroy();
    return;
  }
  sendRefusal(req, res, mapped.status, mapped.body);
}

/** Sends a 4xx/5xx JSON answer; an unread body is drained for a while, then dropped. */
export function sendRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const complete = req.complete;
  sendJson(res, status, body, headers);
  if (!complete) lingerThenClose(req);
}

/**
 * Drains an unfinished request body for a bounded time and size after its answer, then closes.
 * No `connection: close` header: with it Node would close right after the answer. Instead the
 * body is drained; a client that finishes within the limits keeps its connection.
 */
export function lingerThenClose(req: IncomingMessage): void {
  let drained = 0;
  const socket = req.socket;
  const close = () => socket.destroy();
  const timer = setTimeout(close, LINGER_MS);
  req.on("data", (chunk: Uint8Array) => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) close();
  });
  req.once("end", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  req.resume();
}
