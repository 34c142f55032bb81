/**
 * `main.ts serve`: configuration, KV, key and admin password, then the HTTP server.
 *
 * Why node:http and not `Deno.serve` (measured on Deno 2.8.2, 1 GiB `curl -T` echo on
 * loopback, TOOLCHAIN §2): `Deno.serve` full duplex reaches ≈ 770 MB/s but never answers
 * `Expect: 100-continue`, so every plain `curl -T` stalls 1–2 s before uploading; a
 * `node:http` `req.pipe(res)` echo does ≈ 870–960 MB/s and answers 100-continue itself (we
 * answer it only after auth and parameters pass); Hono through @hono/node-server's
 * Web-stream bridge does only ≈ 340–420 MB/s. So the hot route `POST /api/anonymize` is a
 * raw node:http handler on Node streams (routes/stream.ts), and everything else, where
 * throughput does not matter, is the Hono app behind `getRequestListener(app.fetch)`.
 */
import { keepBodyForRoute } from "./raw_body.ts";
import { getRequestListener } from "@hono/node-server";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createApp } from "./app.ts";
import { createContext, type ServerContext, type ServerDeps } from "./context.ts";
import { replyError } from "./_middleware/node_reply.ts";
import { trackRequest } from "./_middleware/request_log.ts";
import { setSecurityHeaders } from "./_middleware/security_headers.ts";
import { anonymizeHandler } from "./stream.ts";
import { dicomwebHandler } from "./dicomweb.ts";
import { spoolDir } from "./stream_zip.ts";
import { sweepTempDir } from "../core/batches/temp_files.ts";
import { startDimseListener } from "./dimse_listener.ts";

/** `main.ts serve [--port N] [--host H]` (implemented in serve_main.ts). */
export { serve } from "./serve_main.ts";

/** A running server. */
export interface RunningServer {
  readonly port: number;
  readonly hostname: string;
  /** The DICOM C-STORE receiver's port, when DIMSE_PORT / `--dimse-port` is set. */
  readonly dimsePort?: number;
  /** Periodic maintenance now: expired sessions and batches (tests call it after moving the clock). */
  sweep(): Promise<void>;
  /** Stops listening, drops open connections and waits until the server is closed. */
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10 * 60_000;
// Time a new connection has to send its first request's headers (slowloris guard).
const HEADERS_TIMEOUT_MS = 30_000;

/** Starts the HTTP server on `deps.config.host`/`port` (0 picks a free port). */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const ctx = createContext(deps);
  // Before listening: whatever a killed predecessor left half-written goes now (temp files it
  // held; its "processing" records become "failed"), so nothing stale is ever listed.
  await sweepInterrupted(ctx);
  const hono = getRequestListener(createApp(ctx).fetch, { overrideGlobalObjects: false });
  const anonymize = anonymizeHandler(ctx);
  const dicomweb = dicomwebHandler(ctx);
  const dispatch = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
    trackRequest(req, res, ctx.log);
    const path = (req.url ?? "/").split("?")[0];
    setSecurityHeaders(res, path);
    if (path === "/api/anonymize") {
      anonymize(req, res, expectContinue).catch((err) => replyError(req, res, err, ctx.log));
      return;
    }
    if (path === "/dicomweb" || path.startsWith("/dicomweb/")) { // STOW-RS: raw, like the above
      dicomweb(req, res, expectContinue).catch((err) => replyError(req, res, err, ctx.log));
      return;
    }
    if (expectContinue) res.writeContinue();
    keepBodyForRoute(req, path);
    hono(req, res).catch((err) => replyError(req, res, err, ctx.log));
  };
  // No overall request timeout: a multi-GiB upload may take long; headers must come quickly.
  // Deno 2.8.2's node:http watchdog applies `headersTimeout` to the whole exchange (it is never
  // told that the headers arrived; denoland/deno#34297, #35289): every upload or download still
  // running 30–60 s after its headers was cut with a 408 or a reset, even with bytes flowing
  // (found by bench/load.ts, tests/reliability/connection_timeouts_test.ts). So the watchdog is off
  // and each connection gets HEADERS_TIMEOUT_MS for its first request's headers instead; idle
  // keep-alive connections still close after the polyfill's keepAliveTimeout.
  const server = createServer({ requestTimeout: 0, headersTimeout: 0 });
  const awaitingHeaders = new WeakMap<object, ReturnType<typeof setTimeout>>();
  server.on("connection", (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), HEADERS_TIMEOUT_MS);
    awaitingHeaders.set(socket, timer);
    socket.once("close", () => clearTimeout(timer));
  });
  const headersIn = (req: IncomingMessage) => clearTimeout(awaitingHeaders.get(req.socket));
  server.on("request", (req, res) => (headersIn(req), dispatch(req, res, false)));
  server.on("checkContinue", (req, res) => (headersIn(req), dispatch(req, res, true)));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(ctx.config.port, ctx.config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  // The DICOM receiver shares the batch service; if it cannot listen, HTTP stops too.
  const dimse = await startDimseListener(ctx).catch(async (err) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  });
  const sweep = () => sweepOnce(ctx);
  const timer = setInterval(() => sweep().catch(() => {}), SWEEP_INTERVAL_MS);
  Deno.unrefTimer(timer);
  return {
    port: address.port,
    hostname: address.address,
    dimsePort: dimse?.port,
    sweep,
    close: () => {
      clearInterval(timer);
      ctx.previews.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return Promise.all([closed, dimse?.close()]).then(() => {});
    },
  };
}

async function sweepOnce(ctx: ServerContext): Promise<void> {
  const sessions = await ctx.sessions.sweep();
  const batches = await ctx.batches.sweep();
  const interrupted = await sweepInterrupted(ctx);
  ctx.log(batches || interrupted ? "info" : "debug", "sweep", { sessions, batches, interrupted });
}

/**
 * Orphans of dead processes: batch temp files and records, and ZIP spools. Temp files carry
 * a lock while written, so other live server processes on the same DATA_DIR keep theirs.
 * File ages are compared with the wall clock (file timestamps are), not the injected clock.
 */
async function sweepInterrupted(ctx: ServerContext): Promise<number> {
  const now = Date.now();
  return await ctx.batches.sweepInterrupted(now) + await sweepTempDir(spoolDir(ctx), now);
}
