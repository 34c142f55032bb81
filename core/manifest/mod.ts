/**
 * The compliance manifest (docs/manifest.md): keyed hashes, the engine's audit trail, a hash
 * chain and an Ed25519 signature, written by the CLI (`--manifest`) and per server batch.
 */
export { GENESIS, ManifestChain } from "./chain.ts";
export { fileEvidence } from "./evidence.ts";
export { type ChunkTransform, type FileDigests, HashTap } from "./hash_tap.ts";
export { deriveHashKey, HASH_KEY_INFO, hashKeyId, hmacHex, sha256Hex } from "./keys.ts";
export {
  FILE_STATUSES,
  fileBody,
  type FileEvidence,
  type FileOutcome,
  headerBody,
  type HeaderInfo,
  MANIFEST_FORMAT,
} from "./records.ts";
export {
  loadOrCreateSigningKey,
  publicKeyId,
  SIGNING_KEY_FILE,
  type SigningKey,
  SigningKeyError,
} from "./signing_key.ts";
export { ManifestTally } from "./summary.ts";
export { ManifestExistsError, ManifestWriter, type ManifestWriterOptions } from "./writer.ts";
export { userRulesOf } from "./user_rules.ts";
