/**
 * The request log: one JSON line per request, written when the Node response closes, so the
 * raw streaming route and the Hono app share it and streamed bodies are counted in full (byte
 * counts include headers). Routes are logged by pattern (`/api/batches/:id/files/*`): real
 * paths hold file names.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../core/log/logger.ts";

/** What a handler adds to its request's log line. */
export interface RequestNote {
  route?: string;
  batch?: string;
  /** Error class name when the request failed (message never carries values). */
  error?: string;
}

const notes = new WeakMap<IncomingMessage, RequestNote>();
// Bytes a socket had read when its previous request was logged: a request's headers arrive
// before its handler runs, so counting from "now" would miss them.
const readMarks = new WeakMap<object, number>();

/** Adds facts to the log line of `req`. */
export function annotate(req: IncomingMessage, note: RequestNote): void {
  notes.set(req, { ...notes.get(req), ...note });
}

/** Starts timing `req`; logs it once its response has finished or been torn down. */
export function trackRequest(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const start = performance.now();
  const socket = req.socket;
  const read0 = readMarks.get(socket) ?? 0;
  const written0 = socket.bytesWritten;
  res.once("close", () => {
    const note = notes.get(req) ?? {};
    readMarks.set(socket, socket.bytesRead);
    const status = res.writableFinished ? res.statusCode : 0; // 0: aborted mid-response
    // A response torn down with no error of ours is the client hanging up: mid-upload, or
    // mid-download (a browser that leaves a page cancels its fetches). That is routine, not a
    // server fault, so it is logged at info; a teardown after an error of ours stays a warning.
    const aborted = status === 0 && (note.error === undefined || note.error === "ClientAborted");
    log(status >= 500 || (status === 0 && !aborted) ? "warn" : "info", "request", {
      method: req.method,
      route: note.route ?? "(unmatched)",
      status,
      bytesIn: socket.bytesRead - read0,
      bytesOut: socket.bytesWritten - written0,
      ms: Math.round(performance.now() - start),
      batch: note.batch,
      // A client that hangs up mid-upload closes the response before its handler notices.
      error: note.error ?? (aborted ? "ClientAborted" : undefined),
    });
  });
}
