/** Helpers of the STOW-RS tests: hand-built multipart/related bodies and the answer's items. */
import assert from "node:assert/strict";
import { TOKEN } from "./_harness.ts";

/** The boundary of every test body (with the characters RFC 2046 allows beyond a token). */
export const BOUNDARY = "stow-boundary.'()+_,/:=?";
/** Content-Type of a STOW-RS request with {@link BOUNDARY}. */
export const STOW_TYPE = `multipart/related; type="application/dicom"; boundary="${BOUNDARY}"`;
/** Bearer token and STOW-RS Content-Type. */
export const STOW_HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  "content-type": STOW_TYPE,
  accept: "application/dicom+json",
};

/** One part: its bytes and Content-Type (default application/dicom), or extra header lines. */
export interface Part {
  readonly body: Uint8Array | string;
  readonly type?: string;
  readonly headers?: string[];
}

const enc = new TextEncoder();

/** A multipart/related body, with a preamble and an epilogue; `close: false` cuts the end. */
export function multipart(
  parts: readonly Part[],
  opts: { close?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const pieces: Uint8Array[] = [enc.encode("This is a preamble; STOW-RS servers ignore it.\r\n")];
  for (const p of parts) {
    const lines = [`--${BOUNDARY}`, `Content-Type: ${p.type ?? "application/dicom"}`];
    pieces.push(enc.encode([...lines, ...(p.headers ?? []), "", ""].join("\r\n")));
    pieces.push(typeof p.body === "string" ? enc.encode(p.body) : p.body, enc.encode("\r\n"));
  }
  if (opts.close !== false) pieces.push(enc.encode(`--${BOUNDARY}--\r\nan epilogue\r\n`));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) (out.set(p, at), at += p.length);
  return out;
}

/** A DICOM JSON item or dataset. */
export type Dataset = Record<string, { vr: string; Value?: unknown[] }>;

/** The items of a sequence of `json` (empty when absent). */
export function items(json: Dataset, tag: string): Dataset[] {
  const attr = json[tag];
  if (attr === undefined) return [];
  assert.equal(attr.vr, "SQ", tag);
  return (attr.Value ?? []) as Dataset[];
}

/** The single value of attribute `tag` of `item`, or undefined when empty or absent. */
export function value(item: Dataset, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

/** A top-level UID of a file as DCMTK reads it (an independent reader). */
export async function dcmdumpUid(path: string, tag: string): Promise<string | undefined> {
  const { stdout } = await new Deno.Command("dcmdump", {
    args: ["-q", "-Un", "+E", path], // +E: print a damaged file too
    stdout: "piped",
  }).output();
  const line = new TextDecoder().decode(stdout).split("\n").find((l) => l.startsWith(tag));
  return line?.match(/\[([^\]]*)\]/)?.[1];
}

/** Reads a corpus file. */
export const corpus = (name: string) =>
  Deno.readFile(new URL(`../fixtures/corpus/${name}`, import.meta.url));

/** Path of a corpus file. */
export const corpusPath = (name: string) =>
  new URL(`../fixtures/corpus/${name}`, import.meta.url).pathname;

/** The upload outcomes of a batch view's counts (any other counts are other features'). */
export function counts(batch: { counts: Record<string, number> }) {
  const { processing, done, rejected, failed } = batch.counts;
  return { processing, done, rejected, "held-back": batch.counts["held-back"], failed };
}
