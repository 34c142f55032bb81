/**
 * Forwarding what an association stored, once it has ended: to a C-STORE SCP (scu.ts) or a
 * STOW-RS endpoint (stow_client.ts). The stored files stay in their batch either way; the
 * outcome is logged with counts only.
 */
import type { Logger } from "../log/logger.ts";
import type { ForwardTarget } from "./forward_target.ts";
import { storeFiles } from "./scu.ts";
import { stowFiles } from "./stow_client.ts";

/** Sends a batch's stored files on. */
export interface Forwarder {
  /** `files` are absolute paths of anonymized outputs of batch `batchId`. */
  forward(files: readonly string[], batchId: string): Promise<void>;
}

/** Options of {@link createForwarder}. */
export interface ForwarderOptions {
  /** Our AE title, the calling AE title of the C-STORE SCU. */
  readonly callingAeTitle: string;
  /** Bearer token for a STOW-RS target. */
  readonly token?: string;
  readonly log: Logger;
  /** Time allowed for each answer of a DIMSE peer. */
  readonly timeoutMs?: number;
}

/** A forwarder to `target`. */
export function createForwarder(target: ForwardTarget, o: ForwarderOptions): Forwarder {
  return {
    async forward(files, batchId) {
      if (target.kind === "stow") {
        const r = await stowFiles(target.url, files, o.token);
        const level = r.failed ? "warn" : "info";
        o.log(level, "dimse forwarded", { batch: batchId, to: "stow", ...r });
        return;
      }
      const r = await storeFiles(files, {
        aeTitle: target.aeTitle,
        host: target.host,
        port: target.port,
        callingAeTitle: o.callingAeTitle,
        timeoutMs: o.timeoutMs,
      });
      o.log(r.failed.length ? "warn" : "info", "dimse forwarded", {
        batch: batchId,
        to: "dimse",
        sent: r.sent,
        failed: r.failed.length,
        reason: r.failed[0]?.reason,
      });
    },
  };
}
