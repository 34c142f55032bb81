/**
 * The C-STORE SCP: a node:net listener whose associations anonymize what they receive into a
 * batch each (store_batch.ts), answer C-ECHO, and optionally forward what they stored when
 * they end (forward.ts). Limits: a maximum of concurrent associations (more are rejected as
 * transient, PS3.8 Table 9-21), ARTIM and idle timeouts, the announced maximum PDU length.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { BatchService } from "../batches/service.ts";
import { parseAnonymizeParams } from "../anonymize/params.ts";
import { createDeidentifier } from "../deid/mod.ts";
import type { Logger } from "../log/logger.ts";
import type { Forwarder } from "./forward.ts";
import { type AssociationSummary, runAssociation } from "./scp_association.ts";
import { AssociationBatch } from "./store_batch.ts";

/** Configuration of {@link startScp}. */
export interface ScpOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Our AE title: A-ASSOCIATE-RQs calling another one are rejected. */
  readonly aeTitle: string;
  /** If not empty, the only calling AE titles accepted. */
  readonly callingAeTitles?: readonly string[];
  readonly maxAssociations: number;
  readonly idleMs: number;
  /** Default 30 s. */
  readonly artimMs?: number;
  /** The maximum P-DATA-TF length we announce and accept (default 256 KiB). */
  readonly maxPduLength?: number;
  readonly batches: BatchService;
  /** The batches' anonymization settings as a query string (`profile=…&option=…`). */
  readonly settings: string;
  readonly log: Logger;
  readonly forwarder?: Forwarder;
}

/** A listening SCP. */
export interface RunningScp {
  readonly port: number;
  /** Resolves when no association and no forward is running. */
  idle(): Promise<void>;
  /** Stops listening, aborts open associations and waits for them and pending forwards. */
  close(): Promise<void>;
}

/** Default announced maximum PDU length: large PDVs mean fewer events per megabyte. */
export const DEFAULT_MAX_PDU = 256 * 1024;
const DEFAULT_ARTIM_MS = 30_000;
// Connections beyond the association limit get a socket long enough to be rejected politely;
// past this many more, they are dropped at once.
const EXTRA_CONNECTIONS = 8;

/** Validates the settings and starts listening. Throws DeidPolicyError on bad settings. */
export async function startScp(o: ScpOptions): Promise<RunningScp> {
  // The key does not matter here: this only checks profile, options and rules up front.
  createDeidentifier({
    ...parseAnonymizeParams(new URLSearchParams(o.settings)),
    key: new Uint8Array(32),
  });
  const maxPdataLength = o.maxPduLength ?? DEFAULT_MAX_PDU;
  const sockets = new Set<Socket>();
  const running = new Set<Promise<unknown>>();
  let forwarding: Promise<void> = Promise.resolve();
  let associations = 0;
  const track = (p: Promise<unknown>) => {
    running.add(p);
    p.finally(() => running.delete(p));
  };
  const associationOptions = {
    policy: {
      aeTitle: o.aeTitle,
      callingAeTitles: o.callingAeTitles ?? [],
      maxPduLength: maxPdataLength,
    },
    artimMs: o.artimMs ?? DEFAULT_ARTIM_MS,
    idleMs: o.idleMs,
    log: o.log,
    newBatch: () => new AssociationBatch(o.batches, o.settings),
    admit: () => {
      if (associations >= o.maxAssociations) return false;
      associations++;
      return true;
    },
    leave: () => {
      associations--;
    },
  };
  const forward = async (summary: AssociationSummary) => {
    if (!o.forwarder || !summary.batch || summary.stored.length === 0) return;
    const batch = summary.batch;
    const paths = await Promise.all(summary.stored.map((p) => batch.filePath(p)));
    const id = await batch.id();
    forwarding = forwarding.then(() => o.forwarder!.forward(paths, id!)).catch((err) =>
      o.log("error", "dimse forward failed", { batch: id, error: (err as Error).name })
    );
    await forwarding;
  };
  const server = createServer((socket) => {
    socket.on("error", () => {}); // surfaced by the association's reads
    if (sockets.size >= o.maxAssociations + EXTRA_CONNECTIONS) return void socket.destroy();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    track(runAssociation(socket, associationOptions, maxPdataLength).then(forward));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  o.log("info", "dimse listening", { port, ae: o.aeTitle });
  const idle = async () => {
    while (running.size) await Promise.allSettled([...running]);
    await forwarding;
  };
  return {
    port,
    idle,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await idle();
    },
  };
}
