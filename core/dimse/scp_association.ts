/**
 * One association on the SCP side (PS3.8 §9.2 state machine, reduced to what an acceptor of
 * C-ECHO and C-STORE needs): A-ASSOCIATE-RQ within the ARTIM time, then commands and datasets
 * on accepted contexts until A-RELEASE-RQ, A-ABORT, the idle timeout or a protocol error
 * (answered with A-ABORT). A bad dataset fails its C-STORE, never the association.
 */
import type { Socket } from "node:net";
import { concat } from "../dicom/file_meta.ts";
import type { Logger } from "../log/logger.ts";
import { encodeAssociateAc, parseAssociateRq } from "./association.ts";
import {
  CMD,
  type Command,
  COMMAND_FIELD,
  decodeCommand,
  encodeCommand,
  NO_DATASET,
  responseTo,
} from "./dimse_command.ts";
import { ABORT_REASON, DimseProtocolError } from "./errors.ts";
import { type AcceptPolicy, type AgreedContext, negotiate } from "./negotiation.ts";
import type { PduEvent } from "./pdu_reader.ts";
import { DimseTimeoutError, PduStream } from "./pdu_stream.ts";
import {
  ABORT_SOURCE,
  encodeAbort,
  encodeAssociateRj,
  encodePdata,
  encodeReleaseRp,
} from "./pdu_writer.ts";
import {
  type AssociationBatch,
  outcomeOfStartError,
  STORE_STATUS,
  type StoreJob,
  type StoreOutcome,
} from "./store_batch.ts";

/** What the SCP gives each association. */
export interface AssociationOptions {
  readonly policy: AcceptPolicy;
  /** Time allowed for the A-ASSOCIATE-RQ (and, capped at 2 s, for the peer to hang up). */
  readonly artimMs: number;
  /** Time allowed between PDUs once associated. */
  readonly idleMs: number;
  readonly log: Logger;
  readonly newBatch: () => AssociationBatch;
  /** Claims an association slot; false when the maximum is reached. */
  readonly admit: () => boolean;
  /** Gives the slot back. */
  readonly leave: () => void;
}

/** How an association ended and what it stored. */
export interface AssociationSummary {
  readonly outcome: "released" | "aborted" | "rejected" | "closed" | "timeout";
  readonly batch?: AssociationBatch;
  /** Batch-relative paths of the stored (anonymized) files. */
  readonly stored: readonly string[];
  readonly failed: number;
}

type Outcome = AssociationSummary["outcome"];

/** A message whose dataset is arriving: its command and where the bytes go. */
interface PendingDataset {
  readonly contextId: number;
  readonly rq: Command;
  readonly responseField: number;
  readonly job?: StoreJob;
  /** The outcome decided before the dataset (it is read and dropped). */
  readonly early?: StoreOutcome;
}

const MAX_COMMAND_BYTES = 64 * 1024;
/** Status 0x0211, Unrecognized Operation (PS3.7 §C.5.4). */
const UNRECOGNIZED_OPERATION = 0x0211;

/** Serves one association on `socket` until it ends; never throws. */
export async function runAssociation(
  socket: Socket,
  options: AssociationOptions,
  maxPdataLength: number,
): Promise<AssociationSummary> {
  return await new ScpAssociation(socket, options, maxPdataLength).run();
}

class ScpAssociation {
  readonly #o: AssociationOptions;
  readonly #io: PduStream;
  #state: "awaitRq" | "established" = "awaitRq";
  #admitted = false;
  #contexts = new Map<number, AgreedContext>();
  #command: { contextId: number; parts: Uint8Array[]; size: number } | undefined;
  #dataset: PendingDataset | undefined;
  #batch: AssociationBatch | undefined;
  #stored: string[] = [];
  #failed = 0;
  #callingAe = "";

  constructor(socket: Socket, options: AssociationOptions, maxPdataLength: number) {
    this.#o = options;
    this.#io = new PduStream(socket, { maxPdataLength });
  }

  async run(): Promise<AssociationSummary> {
    let outcome: Outcome = "closed";
    try {
      for (;;) {
        // Deadlines per event (pdu_stream.ts): the A-ASSOCIATE-RQ must be whole within ARTIM,
        // so a peer trickling bytes cannot hold a socket.
        const established = this.#state === "established";
        const ev = await this.#io.next(
          established ? this.#o.idleMs : this.#o.artimMs,
          established ? "idle timeout" : "ARTIM",
        );
        if (!ev) break;
        const end = await this.#handle(ev);
        if (end) {
          outcome = end;
          break;
        }
      }
    } catch (err) {
      outcome = await this.#fail(err);
    } finally {
      await this.#dataset?.job?.cancel();
      await this.#io.hangUp(Math.min(this.#o.artimMs, 2000));
      if (this.#admitted) this.#o.leave();
    }
    const batch = await this.#batch?.id();
    this.#o.log(outcome === "released" || outcome === "rejected" ? "info" : "warn", "dimse end", {
      calling: this.#callingAe,
      outcome,
      stored: this.#stored.length,
      failed: this.#failed,
      batch,
    });
    return { outcome, batch: this.#batch, stored: this.#stored, failed: this.#failed };
  }

  async #handle(ev: PduEvent): Promise<Outcome | undefined> {
    if (this.#state === "awaitRq" && ev.kind === "associateRq") return await this.#associate(ev);
    if (this.#state === "established" && ev.kind === "data") return void await this.#data(ev);
    if (this.#state === "established" && ev.kind === "releaseRq") {
      if (this.#command || this.#dataset) {
        throw new DimseProtocolError("A-RELEASE-RQ in the middle of a message");
      }
      // Then hang up, as DCMTK does: waiting for the requestor to close (PS3.8 Sta13)
      // would only hold a slot for a peer that may never do it.
      await this.#io.write(encodeReleaseRp());
      return "released";
    }
    if (ev.kind === "abort") return "aborted";
    throw new DimseProtocolError(`unexpected ${ev.kind} PDU`, ABORT_REASON.unexpectedPdu);
  }

  async #associate(ev: { body: Uint8Array }): Promise<Outcome | undefined> {
    const rq = parseAssociateRq(ev.body);
    this.#callingAe = rq.callingAe;
    const n = negotiate(rq, this.#o.policy);
    if (n.kind === "reject") {
      const { result, source, reason, why } = n.rejection;
      await this.#io.write(encodeAssociateRj(result, source, reason));
      this.#o.log("warn", "dimse rejected", { calling: rq.callingAe, why });
      return "rejected";
    }
    if (!this.#o.admit()) {
      // Transient, service provider (presentation), local limit exceeded (PS3.8 Table 9-21).
      await this.#io.write(encodeAssociateRj(2, 3, 2));
      this.#o.log("warn", "dimse rejected", { calling: rq.callingAe, why: "max associations" });
      return "rejected";
    }
    this.#admitted = true;
    this.#contexts = n.contexts;
    await this.#io.write(encodeAssociateAc(n.ac));
    this.#state = "established";
    this.#o.log("info", "dimse associated", {
      calling: rq.callingAe,
      proposed: rq.contexts.length,
      accepted: n.contexts.size,
    });
    return undefined;
  }

  async #data(ev: Extract<PduEvent, { kind: "data" }>): Promise<void> {
    const context = this.#contexts.get(ev.contextId);
    if (!context) {
      throw new DimseProtocolError(
        `PDV on presentation context ${ev.contextId}, which was not accepted`,
        ABORT_REASON.unexpectedParameter,
      );
    }
    if (ev.command) {
      if (this.#dataset) throw new DimseProtocolError("command fragment while a dataset is due");
      const c = this.#command ??= { contextId: ev.contextId, parts: [], size: 0 };
      c.size += ev.bytes.length;
      if (c.contextId !== ev.contextId || c.size > MAX_COMMAND_BYTES) {
        throw new DimseProtocolError("command set split over contexts or over 64 KiB");
      }
      c.parts.push(ev.bytes.slice());
      if (!ev.last) return;
      this.#command = undefined;
      await this.#onCommand(ev.contextId, context, decodeCommand(concat(c.parts)));
      return;
    }
    const d = this.#dataset;
    if (!d || d.contextId !== ev.contextId) {
      throw new DimseProtocolError(`dataset fragment on context ${ev.contextId} without command`);
    }
    if (d.job) await d.job.write(ev.bytes);
    if (!ev.last) return;
    this.#dataset = undefined;
    await this.#endDataset(d);
  }

  async #onCommand(contextId: number, context: AgreedContext, rq: Command): Promise<void> {
    const field = rq.get(CMD.commandField);
    if (typeof field !== "number" || typeof rq.get(CMD.messageId) !== "number") {
      throw new DimseProtocolError("command set without Command Field or Message ID");
    }
    const hasDataset = rq.get(CMD.commandDataSetType) !== NO_DATASET;
    let pending: PendingDataset;
    if (field === COMMAND_FIELD.cStoreRq) {
      pending = { contextId, rq, responseField: COMMAND_FIELD.cStoreRsp };
      if (!hasDataset) {
        const early = { status: STORE_STATUS.cannotUnderstand, comment: "C-STORE without dataset" };
        return await this.#endDataset({ ...pending, early });
      }
      try {
        this.#batch ??= this.#o.newBatch();
        const job = await this.#batch.begin(
          String(rq.get(CMD.affectedSopClassUid) ?? ""),
          String(rq.get(CMD.affectedSopInstanceUid) ?? ""),
          context.transferSyntax,
        );
        pending = { ...pending, job };
      } catch (err) {
        pending = { ...pending, early: outcomeOfStartError(err) };
      }
    } else {
      const known = field === COMMAND_FIELD.cEchoRq;
      const status = known ? STORE_STATUS.success : UNRECOGNIZED_OPERATION;
      pending = { contextId, rq, responseField: (field | 0x8000) & 0xffff, early: { status } };
    }
    if (hasDataset) this.#dataset = pending;
    else await this.#endDataset(pending);
  }

  async #endDataset(d: PendingDataset): Promise<void> {
    const outcome = d.job ? await d.job.end() : d.early!;
    if (d.responseField === COMMAND_FIELD.cStoreRsp) {
      if (outcome.status === STORE_STATUS.success && outcome.path) this.#stored.push(outcome.path);
      else {
        this.#failed++;
        this.#o.log("warn", "dimse store failed", {
          calling: this.#callingAe,
          status: `0x${outcome.status.toString(16).padStart(4, "0")}`,
          reason: outcome.comment,
        });
      }
    }
    const rsp = responseTo(d.rq, d.responseField, outcome.status, outcome.comment);
    await this.#io.write(encodePdata(d.contextId, true, true, encodeCommand(rsp)));
  }

  async #fail(err: unknown): Promise<Outcome> {
    const fields = { calling: this.#callingAe };
    if (err instanceof DimseTimeoutError) {
      if (this.#state === "established") {
        await this.#io.write(encodeAbort(ABORT_SOURCE.serviceUser));
      }
      this.#o.log("info", "dimse timeout", { ...fields, what: err.message });
      return "timeout";
    }
    if (err instanceof DimseProtocolError) {
      this.#o.log("warn", "dimse protocol error", { ...fields, error: err.message });
      await this.#io.write(encodeAbort(ABORT_SOURCE.serviceProvider, err.reason));
      return "aborted";
    }
    this.#o.log("error", "dimse association failed", { ...fields, error: errorName(err) });
    await this.#io.write(encodeAbort(ABORT_SOURCE.serviceProvider, ABORT_REASON.notSpecified));
    return "aborted";
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "Error";
}
