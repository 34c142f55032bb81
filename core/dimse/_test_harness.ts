/**
 * Test support for the DIMSE tests: an SCP over a real temp KV and data dir, DCMTK commands,
 * a storescp peer, and a scripted raw peer built from this module's encoders (for what DCMTK
 * will not send: broken datasets, aborts mid-dataset, hostile PDUs).
 */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { TEST_KEY } from "../../tests/support/anonymize_tree.ts";
import { BatchService } from "../batches/service.ts";
import type { OpenTemp } from "../batches/temp_files.ts";
import { createLogger } from "../log/logger.ts";
import { concat } from "../dicom/file_meta.ts";
import { IMPLICIT_VR_LE } from "../dicom/transfer_syntax.ts";
import { APPLICATION_CONTEXT, encodeAssociateRq, parseAssociateAc } from "./association.ts";
import { CMD, COMMAND_FIELD, decodeCommand, encodeCommand } from "./dimse_command.ts";
import type { PduEvent } from "./pdu_reader.ts";
import { PduStream } from "./pdu_stream.ts";
import { encodePdata } from "./pdu_writer.ts";
import { type RunningScp, type ScpOptions, startScp } from "./scp.ts";

/** The de-identification key of every test SCP. */
export const KEY = TEST_KEY;
/** The corpus of third-party files. */
export const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url).pathname;

/** A running test SCP and what it wrote to. */
export interface TestScp {
  readonly scp: RunningScp;
  readonly port: number;
  readonly dir: string;
  readonly batches: BatchService;
  readonly logs: string[];
  dispose(): Promise<void>;
}

/** Starts an SCP `DEID` on 127.0.0.1, port 0, with a KV file and batches in a temp dir. */
export async function startTestScp(
  over: Partial<ScpOptions> & { maxUploadBytes?: number; openTemp?: OpenTemp } = {},
): Promise<TestScp> {
  const dir = await Deno.makeTempDir({ prefix: "dimse-scp-" });
  const kv = await Deno.openKv(join(dir, "kv.sqlite3"));
  const batches = new BatchService({
    kv,
    dataDir: dir,
    ttlMs: 3600_000,
    maxUploadBytes: over.maxUploadBytes ?? 1024 ** 3,
    deidKey: KEY,
    openTemp: over.openTemp,
  });
  const logs: string[] = [];
  const scp = await startScp({
    host: "127.0.0.1",
    port: 0,
    aeTitle: "DEID",
    maxAssociations: 4,
    idleMs: 30_000,
    batches,
    settings: "",
    log: createLogger("debug", (line) => logs.push(line)),
    ...over,
  });
  return {
    scp,
    port: scp.port,
    dir,
    batches,
    logs,
    dispose: async () => {
      await scp.close();
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Runs a command; returns its exit code and output. */
export async function run(cmd: string, args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code, stdout: dec.decode(stdout), stderr: dec.decode(stderr) };
}

/** A port that was free a moment ago (for DCMTK listeners, which cannot report one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Waits until something accepts connections on `port`. */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A DCMTK storescp writing what it receives bit for bit into `dir`. */
export async function startStorescp(dir: string, extra: string[] = []) {
  const port = await freePort();
  const child = new Deno.Command("storescp", {
    args: ["-aet", "ARCHIVE", "+B", "-od", dir, ...extra, String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForPort(port);
  return {
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** A scripted peer: a socket, its PDU stream, and the contexts the SCP accepted. */
export interface RawPeer {
  readonly socket: Socket;
  readonly io: PduStream;
  readonly accepted: Map<number, string>;
  next(): Promise<PduEvent | undefined>;
}

/** Connects without associating (for hostile-PDU and ARTIM tests). */
export async function rawConnect(port: number): Promise<RawPeer> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  await new Promise((r) => socket.once("connect", r));
  const io = new PduStream(socket, { maxPdataLength: 1 << 20 });
  return { socket, io, accepted: new Map(), next: () => io.next(10_000, "test peer") };
}

/** Connects and associates proposing `contexts` (id → abstract syntax, Implicit VR LE). */
export async function rawAssociate(
  port: number,
  contexts: Record<number, string>,
  calledAe = "DEID",
): Promise<RawPeer> {
  const peer = await rawConnect(port);
  await peer.io.write(encodeAssociateRq({
    protocolVersion: 1,
    calledAe,
    callingAe: "RAWPEER",
    applicationContext: APPLICATION_CONTEXT,
    contexts: Object.entries(contexts).map(([id, abstractSyntax]) => ({
      id: Number(id),
      abstractSyntax,
      transferSyntaxes: [IMPLICIT_VR_LE],
    })),
    user: { maxLength: 1 << 20, implementationClassUid: "1.2.3.4" },
  }));
  const ev = await peer.next();
  if (ev?.kind !== "associateAc") throw new Error(`expected A-ASSOCIATE-AC, got ${ev?.kind}`);
  for (const c of parseAssociateAc(ev.body).contexts) {
    if (c.result === 0) peer.accepted.set(c.id, c.transferSyntax);
  }
  return peer;
}

/** Sends a C-STORE-RQ and its dataset in fragments; `complete: false` withholds the end. */
export async function sendStore(
  peer: RawPeer,
  contextId: number,
  messageId: number,
  uids: { sopClass: string; sopInstance: string },
  dataset: Uint8Array,
  { fragment = 4096, complete = true } = {},
): Promise<void> {
  const rq = new Map<number, string | number>([
    [CMD.affectedSopClassUid, uids.sopClass],
    [CMD.commandField, COMMAND_FIELD.cStoreRq],
    [CMD.messageId, messageId],
    [CMD.priority, 0],
    [CMD.commandDataSetType, 0],
    [CMD.affectedSopInstanceUid, uids.sopInstance],
  ]);
  await peer.io.write(encodePdata(contextId, true, true, encodeCommand(rq)));
  for (let at = 0; at < dataset.length; at += fragment) {
    const last = complete && at + fragment >= dataset.length;
    await peer.io.write(encodePdata(contextId, false, last, dataset.subarray(at, at + fragment)));
  }
}

/** Reads one whole response command set. */
export async function readResponse(peer: RawPeer): Promise<Map<number, string | number>> {
  const parts: number[] = [];
  for (;;) {
    const ev = await peer.next();
    if (ev?.kind !== "data" || !ev.command) throw new Error(`expected a command, got ${ev?.kind}`);
    parts.push(...ev.bytes);
    if (ev.last) return decodeCommand(Uint8Array.from(parts));
  }
}

/** One request a {@link stowServer} received. */
export interface Received {
  headers: IncomingMessage["headers"];
  body: Uint8Array;
}

/** A real HTTP server on port 0 answering every POST with `status` and `answer`. */
export async function stowServer(status: number, answer: unknown) {
  const received: Received[] = [];
  const server = createHttpServer(async (req, res) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of req) parts.push(chunk);
    received.push({
      headers: req.headers,
      body: concat(parts),
    });
    res.writeHead(status, { "content-type": "application/dicom+json" });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicomweb/studies`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Splits a multipart/related body at its boundary (RFC 2046 §5.1.1). */
export function multipartParts(
  body: Uint8Array,
  boundary: string,
): { headers: string; data: Uint8Array }[] {
  // One character per byte (TextDecoder's "latin1" is windows-1252 and remaps 0x80-0x9F).
  const text = Array.from(body, (b) => String.fromCharCode(b)).join("");
  const chunks = text.split(`--${boundary}`);
  assert.equal(chunks.at(-1), "--\r\n", "closing delimiter");
  return chunks.slice(1, -1).map((c) => {
    const split = c.indexOf("\r\n\r\n");
    const data = c.slice(split + 4, c.length - 2); // CRLF before the next delimiter
    return { headers: c.slice(2, split), data: Uint8Array.from(data, (ch) => ch.charCodeAt(0)) };
  });
}
