/**
 * A C-STORE SCU on node:net (PS3.4 Annex B, PS3.7 §9.1.1): sends stored Part 10 files to a
 * remote SCP, each dataset as it is on disk (no transcoding), in PDVs read from the file one
 * PDU at a time, so memory does not grow with the file. One association per 128 distinct
 * (SOP class, transfer syntax) pairs; a file whose pair the peer refuses fails alone.
 */
import { connect } from "node:net";
import {
  concat,
  IMPLEMENTATION_CLASS_UID,
  IMPLEMENTATION_VERSION_NAME,
} from "../dicom/file_meta.ts";
import {
  APPLICATION_CONTEXT,
  CONTEXT_RESULT,
  encodeAssociateRq,
  parseAssociateAc,
} from "./association.ts";
import { CMD, COMMAND_FIELD, decodeCommand, encodeCommand } from "./dimse_command.ts";
import { readPart10Header } from "./part10_header.ts";
import { DimseProtocolError } from "./errors.ts";
import { PduStream } from "./pdu_stream.ts";
import {
  ABORT_SOURCE,
  encodeAbort,
  encodePdata,
  encodePdvHeader,
  encodeReleaseRq,
} from "./pdu_writer.ts";

/** Where and as whom to send. */
export interface ScuOptions {
  /** The called AE title. */
  readonly aeTitle: string;
  readonly host: string;
  readonly port: number;
  readonly callingAeTitle: string;
  /** Time allowed for each answer of the peer (default 60 s). */
  readonly timeoutMs?: number;
}

/** What a run sent and what failed (file paths are our own batch paths; reasons carry no values). */
export interface ScuResult {
  readonly sent: number;
  readonly failed: readonly { readonly file: string; readonly reason: string }[];
}

/** Largest PDU we send when the peer sets no limit, and the most we send even if it allows more. */
const DEFAULT_SEND_PDU = 64 * 1024;
const MAX_SEND_PDU = 1024 * 1024;
const OUR_MAX_PDU = 64 * 1024;
// Success, and the warnings that still mean "stored" (PS3.4 Table B.2-1).
const STORED = new Set([0x0000, 0xb000, 0xb006, 0xb007]);

interface Item {
  readonly file: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
  readonly datasetOffset: number;
}

/** Sends `files` (Part 10) to the SCP; never throws for a peer's failure, reports it. */
export async function storeFiles(files: readonly string[], o: ScuOptions): Promise<ScuResult> {
  const failed: { file: string; reason: string }[] = [];
  const items: Item[] = [];
  for (const file of files) {
    try {
      using f = await Deno.open(file);
      items.push({ file, ...await readPart10Header(f) });
    } catch (err) {
      failed.push({ file, reason: err instanceof TypeError ? err.message : "cannot read file" });
    }
  }
  let sent = 0;
  for (const group of groups(items)) {
    const r = await storeGroup(group, o);
    sent += r.sent;
    failed.push(...r.failed);
  }
  return { sent, failed };
}

/** Splits items so that no association needs more than 128 presentation contexts. */
function groups(items: Item[]): Item[][] {
  const out: Item[][] = [];
  let pairs = new Set<string>();
  let current: Item[] = [];
  for (const item of items) {
    const pair = `${item.sopClassUid}|${item.transferSyntax}`;
    if (!pairs.has(pair) && pairs.size === 128) {
      out.push(current);
      [pairs, current] = [new Set(), []];
    }
    pairs.add(pair);
    current.push(item);
  }
  if (current.length) out.push(current);
  return out;
}

async function storeGroup(items: Item[], o: ScuOptions): Promise<ScuResult> {
  const timeout = o.timeoutMs ?? 60_000;
  const pairs = [...new Set(items.map((i) => `${i.sopClassUid}|${i.transferSyntax}`))];
  const contextOf = new Map(pairs.map((p, i) => [p, 2 * i + 1]));
  const failed: { file: string; reason: string }[] = [];
  let sent = 0;
  let done = 0;
  const socket = connect({ host: o.host, port: o.port });
  socket.on("error", () => {}); // seen as a closed stream by the reads
  const io = new PduStream(socket, { maxPdataLength: OUR_MAX_PDU });
  try {
    await connected(socket, timeout);
    await io.write(encodeAssociateRq({
      protocolVersion: 1,
      calledAe: o.aeTitle,
      callingAe: o.callingAeTitle,
      applicationContext: APPLICATION_CONTEXT,
      contexts: pairs.map((p) => {
        const [abstractSyntax, ts] = p.split("|");
        return { id: contextOf.get(p)!, abstractSyntax, transferSyntaxes: [ts] };
      }),
      user: {
        maxLength: OUR_MAX_PDU,
        implementationClassUid: IMPLEMENTATION_CLASS_UID,
        implementationVersionName: IMPLEMENTATION_VERSION_NAME,
      },
    }));
    const answer = await io.next(timeout, "A-ASSOCIATE-AC");
    if (answer?.kind === "associateRj") {
      throw new Error(
        `association rejected (result ${answer.result}, source ${answer.source}, reason ${answer.reason})`,
      );
    }
    if (answer?.kind !== "associateAc") throw new Error("no A-ASSOCIATE-AC");
    const ac = parseAssociateAc(answer.body);
    const accepted = new Set(
      ac.contexts.filter((c) => c.result === CONTEXT_RESULT.acceptance).map((c) => c.id),
    );
    const peerMax = ac.user.maxLength === 0 ? DEFAULT_SEND_PDU : ac.user.maxLength;
    const maxData = (Math.min(peerMax, MAX_SEND_PDU) - 6) & ~1;
    for (const [n, item] of items.entries()) {
      const id = contextOf.get(`${item.sopClassUid}|${item.transferSyntax}`)!;
      if (!accepted.has(id)) {
        failed.push({ file: item.file, reason: "presentation context refused" });
      } else {
        const status = await sendOne(io, item, id, n + 1, maxData, timeout);
        if (STORED.has(status)) sent++;
        else {failed.push({
            file: item.file,
            reason: `status 0x${status.toString(16).padStart(4, "0")}`,
          });}
      }
      done++;
    }
    await io.write(encodeReleaseRq());
    const rp = await io.next(timeout, "A-RELEASE-RP");
    if (rp?.kind !== "releaseRp") throw new Error("no A-RELEASE-RP");
  } catch (err) {
    const reason = err instanceof Error ? err.message : "failed";
    for (const item of items.slice(done)) failed.push({ file: item.file, reason });
    await io.write(encodeAbort(ABORT_SOURCE.serviceUser));
  } finally {
    socket.end();
    socket.destroy();
  }
  return { sent, failed };
}

/** One C-STORE-RQ, its dataset read from disk PDU by PDU, and the C-STORE-RSP status. */
async function sendOne(
  io: PduStream,
  item: Item,
  contextId: number,
  messageId: number,
  maxData: number,
  timeout: number,
): Promise<number> {
  const rq = encodeCommand(
    new Map<number, string | number>([
      [CMD.affectedSopClassUid, item.sopClassUid],
      [CMD.commandField, COMMAND_FIELD.cStoreRq],
      [CMD.messageId, messageId],
      [CMD.priority, 0],
      [CMD.commandDataSetType, 0],
      [CMD.affectedSopInstanceUid, item.sopInstanceUid],
    ]),
  );
  await io.write(encodePdata(contextId, true, true, rq));
  using file = await Deno.open(item.file);
  let inFile = (await file.stat()).size - item.datasetOffset;
  // Fragments have even lengths (PS3.7 Annex F; DCMTK aborts otherwise): an odd dataset, which
  // only a deflated stream can legitimately be, gets one trailing zero byte (PS3.5 §A.5).
  let left = inFile + (inFile % 2);
  await file.seek(item.datasetOffset, Deno.SeekMode.Start);
  do {
    const n = Math.min(maxData, left);
    const buf = new Uint8Array(n);
    const fromFile = Math.min(n, inFile);
    for (let got = 0; got < fromFile;) {
      const r = await file.read(buf.subarray(got, fromFile));
      if (r === null) throw new Error("file shrank while being sent");
      got += r;
    }
    inFile -= fromFile;
    left -= n;
    if (!await io.write(encodePdvHeader(contextId, false, left === 0, n)) || !await io.write(buf)) {
      throw new Error("connection closed");
    }
  } while (left > 0);
  const parts: Uint8Array[] = [];
  for (;;) {
    const ev = await io.next(timeout, "C-STORE-RSP");
    if (!ev) throw new Error("connection closed");
    if (ev.kind === "abort") throw new Error("aborted by the peer");
    if (ev.kind !== "data" || !ev.command) throw new DimseProtocolError(`unexpected ${ev.kind}`);
    parts.push(ev.bytes.slice());
    if (ev.last) break;
  }
  const rsp = decodeCommand(concat(parts));
  if (
    rsp.get(CMD.commandField) !== COMMAND_FIELD.cStoreRsp ||
    rsp.get(CMD.messageIdBeingRespondedTo) !== messageId
  ) throw new DimseProtocolError("C-STORE-RSP does not answer the request");
  return Number(rsp.get(CMD.status) ?? 0xffff);
}

function connected(socket: ReturnType<typeof connect>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("connect timeout")), ms);
    socket.once("connect", () => (clearTimeout(timer), resolve()));
    socket.once("error", (err: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(new Error(`connect failed (${err.code ?? err.name})`));
    });
  });
}
