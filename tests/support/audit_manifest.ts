/**
 * A small checker of `deid-manifest/1` files for tests, written from docs/manifest.md without
 * the writer's code: parses the lines, re-computes the chain and verifies the signature.
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, createPublicKey, verify } from "node:crypto";

/** A parsed record (any type). */
// deno-lint-ignore no-explicit-any
export type Rec = Record<string, any>;

/** What a manifest holds and whether it checks out. */
export interface CheckedManifest {
  header: Rec;
  files: Rec[];
  summary: Rec;
  signature: Rec;
  /** Empty when chain and signature hold; otherwise what is wrong (line numbers, no values). */
  problems: string[];
}

const sha256 = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");

/** Parses and checks a manifest's text against the header's own public key. */
export function checkManifest(text: string): CheckedManifest {
  const problems: string[] = [];
  if (!text.endsWith("\n")) problems.push("no newline after the last line");
  const lines = text.replace(/\n$/, "").split("\n");
  const recs: Rec[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      recs.push(JSON.parse(line));
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      recs.push({});
    }
  }
  let prev = "0".repeat(64);
  for (let i = 0; i < lines.length - 1; i++) {
    if (recs[i].seq !== i) problems.push(`line ${i + 1}: seq ${recs[i].seq}`);
    if (recs[i].prev !== prev) problems.push(`line ${i + 1}: prev does not chain`);
    prev = sha256(lines[i]);
  }
  const header = recs[0], signature = recs[recs.length - 1], summary = recs[recs.length - 2];
  if (header?.type !== "header") problems.push("first line is not the header");
  if (summary?.type !== "summary") problems.push("line before the signature is not the summary");
  if (signature?.type !== "signature") problems.push("last line is not the signature");
  if (signature?.head !== prev) problems.push("signature head is not the summary's hash");
  try {
    const der = Buffer.from(header.signingKey.publicKey, "base64");
    const key = createPublicKey({ key: der, format: "der", type: "spki" });
    const ok = verify(
      null,
      Buffer.from(signature.head, "ascii"),
      key,
      Buffer.from(signature.signature, "base64"),
    );
    if (!ok) problems.push("signature does not verify");
    if (sha256(der).slice(0, 16) !== header.signingKey.id) problems.push("signing key id");
    if (signature.keyId !== header.signingKey.id) problems.push("signature keyId");
  } catch (err) {
    problems.push(`signature unreadable: ${(err as Error).name}`);
  }
  const files = recs.filter((r) => r.type === "file");
  return { header, files, summary, signature, problems };
}

/** The manifest hash key for a de-identification key (docs/manifest.md "Keys"). */
export function hashKeyFor(deidKey: Uint8Array): Buffer {
  return createHmac("sha256", deidKey).update("deid-manifest/1 hash key").digest();
}

/** Lowercase hex HMAC-SHA-256 under `key`. */
export function hmacHex(key: Uint8Array, data: Uint8Array | string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/** Lowercase hex SHA-256. */
export function sha256Hex(data: Uint8Array | string): string {
  return sha256(data);
}
