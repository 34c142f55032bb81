/**
 * The main-thread side of `--manifest FILE`: opens the signed manifest before the first file,
 * records each result as it settles (in completion order), and publishes the file when the
 * run is complete. A dry run writes nothing, so it writes no manifest either.
 */
import { join, resolve } from "node:path";
import { loadEnv } from "../core/config/dotenv.ts";
import {
  deriveHashKey,
  type FileOutcome,
  hashKeyId,
  loadOrCreateSigningKey,
  ManifestExistsError,
  ManifestWriter,
  SIGNING_KEY_FILE,
  SigningKeyError,
  userRulesOf,
} from "../core/manifest/mod.ts";
import { type AnonymizeArgs, UsageError } from "./args.ts";
import type { DeidSetup } from "./deid_setup.ts";
import type { FileResult } from "./task.ts";
import { VERSION } from "./usage.ts";

/** Anything that looks like a file system path in an error text (I/O errors name them). */
const PATHLIKE = /(?:[A-Za-z]:)?[\\/][^\s'"`]*/g;

/** A run's manifest being written. */
export class RunManifest {
  readonly #writer: ManifestWriter;
  readonly #created: string | undefined;

  private constructor(writer: ManifestWriter, createdKey: string | undefined) {
    this.#writer = writer;
    this.#created = createdKey;
  }

  /** What to tell the user before the run: a dry run's missing manifest, a new signing key. */
  static notes(args: AnonymizeArgs, manifest: RunManifest | undefined): string[] {
    if (args.manifest !== undefined && args.dryRun) return ["Dry run: no manifest written"];
    const created = manifest && manifest.#created;
    return created ? [`Created manifest signing key ${created} (Ed25519, mode 0600)`] : [];
  }

  /**
   * Loads (or creates) the signing key and opens the manifest; undefined without `--manifest`
   * or under `--dry-run`. Problems become a {@link UsageError} before any file is touched.
   */
  static async open(args: AnonymizeArgs, setup: DeidSetup, cwd = Deno.cwd()) {
    if (args.manifest === undefined || args.dryRun) return undefined;
    const keyPath = args.signingKey ?? join(await dataDir(cwd), SIGNING_KEY_FILE);
    try {
      const signingKey = await loadOrCreateSigningKey(keyPath);
      const writer = await ManifestWriter.open({
        path: args.manifest,
        overwrite: args.overwrite,
        signingKey,
        header: {
          created: new Date(),
          tool: "deid",
          version: VERSION,
          profile: setup.deid.profile,
          keepPrivateTags: args.keepPrivateTags,
          pseudonyms: args.pseudonyms,
          userRules: userRulesOf(setup.config.rules ?? []),
          keyId: setup.fingerprint,
          hashKeyId: hashKeyId(deriveHashKey(setup.config.key)),
        },
      });
      return new RunManifest(writer, signingKey.created ? keyPath : undefined);
    } catch (err) {
      if (err instanceof ManifestExistsError || err instanceof SigningKeyError) {
        throw new UsageError(err.message);
      }
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.PermissionDenied) {
        throw new UsageError(`cannot write --manifest ${args.manifest}: ${err.name}`);
      }
      throw err;
    }
  }

  /** Records one settled result. */
  add(r: FileResult): Promise<void> {
    return this.#writer.add(outcomeOf(r));
  }

  /** Writes summary and signature and publishes the manifest. */
  finish(): Promise<void> {
    return this.#writer.finish();
  }

  /** Drops the partial manifest (failure or signal). */
  abort(): Promise<void> {
    return this.#writer.abort();
  }
}

/** A result as the manifest records it: status, output path, reason, evidence. */
export function outcomeOf(r: FileResult): FileOutcome {
  const published = r.status === "ok" || r.status === "copied";
  return {
    status: r.status,
    ...(published ? { output: r.output } : {}),
    ...(r.error !== undefined ? { reason: scrubReason(r.error, r.rel) } : {}),
    ...(published && r.evidence ? { evidence: r.evidence } : {}),
  };
}

/**
 * An error text without paths: codec and engine messages name tags and offsets only, but an
 * I/O error names the file, and input folder names are often patient names.
 */
export function scrubReason(text: string, rel: string): string {
  const named = rel.length >= 3 ? text.replaceAll(rel, "<path>") : text;
  return named.replace(PATHLIKE, "<path>");
}

async function dataDir(cwd: string): Promise<string> {
  const env = await loadEnv({ cwd, processEnv: Deno.env.toObject() });
  return resolve(cwd, env.DATA_DIR?.trim() || "./data");
}
