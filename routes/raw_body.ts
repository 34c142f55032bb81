/**
 * Upload routes that run inside Hono read the node:http request itself, not the Web body that
 * @hono/node-server builds for it: that body is a ReadableStream over `Readable.toWeb(req)`,
 * and under Deno 2.8.2 it does not hold back the socket — a 1 GiB `PUT` to a batch raised the
 * server's peak RSS to 1.19 GB while the pipeline wrote to disk. The adapter uses a request's
 * `rawBody` Buffer instead of the socket when one is set (a feature for hosts that read the
 * body first), so an empty one keeps it away from the socket, and the route iterates `req`,
 * whose async iterator pauses the socket between chunks.
 */
import { Buffer } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { lingerThenClose } from "./_middleware/node_reply.ts";

/** `PUT /api/batches/<id>/files/<path>` and the no-JavaScript form `POST /upload`. */
const UPLOAD_ROUTES: readonly [string, RegExp][] = [
  ["PUT", /^\/api\/batches\/[^/]+\/files\//],
  ["POST", /^\/upload\/?$/],
];

const EMPTY = Buffer.alloc(0);

/** Marks an upload request so Hono's Web body never reads its socket; true when marked. */
export function keepBodyForRoute(req: IncomingMessage, path: string): boolean {
  if (!UPLOAD_ROUTES.some(([method, route]) => req.method === method && route.test(path))) {
    return false;
  }
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = EMPTY;
  return true;
}

/**
 * The body a route should read: the node:http request when {@link keepBodyForRoute} marked it,
 * else the Web body (`app.request()` in unit tests has no node request).
 */
export function uploadBody(
  incoming: (IncomingMessage & { rawBody?: Buffer }) | undefined,
  body: ReadableStream<Uint8Array> | null,
): AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null {
  if (incoming && incoming.rawBody === EMPTY) {
    // Not `for await (… of incoming)`: leaving that loop early (a held-back or broken file is
    // answered after its header) destroys the socket, and the client's next request on the
    // kept-alive connection is reset. {@link finishBody} drains what is left instead.
    return { [Symbol.asyncIterator]: () => incoming.iterator({ destroyOnReturn: false }) };
  }
  return body;
}

/**
 * After a route answered: drains an upload it did not read to the end, for a bounded time
 * and size, so the connection can carry the next request (see node_reply.ts).
 */
export function finishBody(incoming: (IncomingMessage & { rawBody?: Buffer }) | undefined): void {
  if (!incoming || incoming.rawBody !== EMPTY || incoming.readableEnded) return;
  if (incoming.destroyed || incoming.socket?.destroyed) return; // the client went away
  lingerThenClose(incoming);
}
