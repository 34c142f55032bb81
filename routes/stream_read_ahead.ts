/**
 * Sequential pseudonyms on `POST /api/anonymize`: before the pipeline starts, the request's
 * first chunks are read (a few KB in practice, at most core/pseudonyms PEEK_MAX_BYTES) to find
 * the originals, which are allocated in KV; the request is left paused, and `pumpDicom` feeds
 * the read chunks first. ZIP uploads are refused with this mode (use a batch).
 */
import type { IncomingMessage } from "node:http";
import { DeidPolicyError } from "../core/deid/errors.ts";
import type { PseudonymLookup } from "../core/pseudonyms/attributes.ts";
import { HeaderPeek } from "../core/pseudonyms/header_peek.ts";
import type { PseudonymParams } from "../core/pseudonyms/params.ts";
import { SequentialPseudonyms } from "../core/pseudonyms/sequential.ts";
import type { ServerContext } from "./context.ts";

/** What was read ahead: chunks to feed first, whether the body has ended, and the lookup. */
export interface RequestAhead {
  readonly head: Uint8Array[];
  readonly ended: boolean;
  readonly pseudonyms?: PseudonymLookup;
}

/** Nothing read ahead (every mode but sequential). */
export const NOTHING_AHEAD: RequestAhead = { head: [], ended: false };

/** Refuses sequential pseudonyms for a ZIP upload to the streaming route. */
export function checkZipParams(params: PseudonymParams): void {
  if (params.pseudonyms === "sequential") {
    throw new DeidPolicyError(
      "pseudonyms=sequential is not available for ZIP uploads to /api/anonymize; use a batch",
    );
  }
}

/** Reads ahead and allocates for sequential pseudonyms; else {@link NOTHING_AHEAD}. */
export async function readRequestAhead(
  ctx: ServerContext,
  params: PseudonymParams,
  req: IncomingMessage,
): Promise<RequestAhead> {
  if (params.pseudonyms !== "sequential") return NOTHING_AHEAD;
  const peek = new HeaderPeek();
  const head: Uint8Array[] = [];
  const ended = await new Promise<boolean>((resolve, reject) => {
    const detach = () =>
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    const stop = (end: boolean) => {
      req.pause(); // before the listener goes: a flowing stream without one drops data
      detach();
      // Until pumpDicom listens, a client that goes away must not crash the process.
      req.on("error", () => {});
      resolve(end);
    };
    const onData = (chunk: Uint8Array) => {
      head.push(chunk);
      if (peek.push(chunk)) stop(false);
    };
    const onEnd = () => (peek.finish(), stop(true));
    const onError = (err: Error) => (detach(), reject(err));
    // A client gone before its header arrived: nothing will come, and nobody is left to answer.
    const onClose = () => onError(new Error("client closed the connection"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
  const seq = new SequentialPseudonyms({
    kv: ctx.kv,
    key: ctx.deidKey,
    prefix: params.prefix!,
    keepOriginals: ctx.config.crosswalkEnabled,
  });
  const pseudonyms = await seq.lookupFor(peek.originals);
  return {
    head,
    pseudonyms,
    // The body may end while KV allocates, with nobody listening: ask the stream itself.
    get ended() {
      return ended || req.readableEnded;
    },
  };
}
