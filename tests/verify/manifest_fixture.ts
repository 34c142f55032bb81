/**
 * Test helpers that write `deid-manifest/1` text straight from docs/manifest.md, with neither the
 * writer's code (core/manifest) nor the reader's (core/verify): to build manifests for reader
 * tests, and to re-chain and re-sign a real manifest after a test has tampered with it.
 */
import { Buffer } from "node:buffer";
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from "node:crypto";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A signing key pair as the CLI would hold it, plus the header's `signingKey` object. */
export interface TestSigner {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  readonly header: { alg: "Ed25519"; publicKey: string; id: string };
}

/** A fresh Ed25519 key pair. */
export function makeSigner(): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const der = publicKey.export({ type: "spki", format: "der" });
  const id = createHash("sha256").update(der).digest("hex").slice(0, 16);
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    header: { alg: "Ed25519", publicKey: Buffer.from(der).toString("base64"), id },
  };
}

/**
 * Sets `seq` and `prev` of every record (all lines but a trailing signature) and writes a new
 * signature with `signer`, or none. Key order is kept as the objects have it.
 */
export function chainAndSign(
  records: Record<string, unknown>[],
  signer: TestSigner | undefined,
): string {
  let prev = "0".repeat(64);
  const lines: string[] = [];
  records.forEach((r, seq) => {
    const { type, seq: _s, prev: _p, ...rest } = r;
    const line = JSON.stringify({ type, seq, prev, ...rest });
    lines.push(line);
    prev = sha256(line);
  });
  if (signer) {
    const head = prev;
    const signature = sign(null, Buffer.from(head, "ascii"), signer.privateKey).toString("base64");
    lines.push(
      JSON.stringify({
        type: "signature",
        alg: "Ed25519",
        keyId: signer.header.id,
        head,
        signature,
      }),
    );
  }
  return lines.map((l) => `${l}\n`).join("");
}

/** The records of a manifest's text (the signature line dropped). */
export function recordsOf(text: string): Record<string, unknown>[] {
  return text.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((r) => r.type !== "signature");
}

/** Reads a PKCS#8 PEM signing key into a {@link TestSigner} (to re-sign a CLI manifest). */
export async function signerFromPem(path: string): Promise<TestSigner> {
  const privateKey = createPrivateKey(await Deno.readTextFile(path));
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    header: {
      alg: "Ed25519",
      publicKey: Buffer.from(der).toString("base64"),
      id: createHash("sha256").update(der).digest("hex").slice(0, 16),
    },
  };
}
