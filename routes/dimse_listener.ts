/**
 * `serve`'s DICOM C-STORE receiver (core/dimse/scp.ts), started beside the HTTP server when
 * DIMSE_PORT or `--dimse-port` is set. It shares the batch service, so what a modality sends
 * shows up as a batch in the web UI and `/api/batches`, one per association.
 */
import { createForwarder } from "../core/dimse/forward.ts";
import { type RunningScp, startScp } from "../core/dimse/scp.ts";
import type { ServerContext } from "./context.ts";

/** Starts the SCP on HOST and DIMSE_PORT; undefined when no port is configured. */
export async function startDimseListener(ctx: ServerContext): Promise<RunningScp | undefined> {
  const d = ctx.config.dimse;
  if (d.port === undefined) return undefined;
  const forwarder = d.forwardTo &&
    createForwarder(d.forwardTo, {
      callingAeTitle: d.aeTitle,
      token: d.forwardToken,
      log: ctx.log,
    });
  return await startScp({
    host: ctx.config.host,
    port: d.port,
    aeTitle: d.aeTitle,
    callingAeTitles: d.callingAeTitles,
    maxAssociations: d.maxAssociations,
    idleMs: d.idleSeconds * 1000,
    batches: ctx.batches,
    settings: d.settings,
    log: ctx.log,
    forwarder,
  });
}
