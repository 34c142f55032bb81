/**
 * Builds and validates the run's de-identification configuration (rules, profile, key) before
 * any file is touched; every problem becomes a {@link UsageError} (exit status 2).
 */
import { join, resolve } from "node:path";
import { describeDeidKey, KEY_FILE_NAME, resolveDeidKey } from "../core/config/key_store.ts";
import { loadEnv } from "../core/config/dotenv.ts";
import {
  createDeidentifier,
  type Deidentifier,
  DeidPolicyError,
  keyFingerprint,
  parsePixelRules,
  parseRuleArgs,
  parseRulesDictionary,
  type UserRule,
} from "../core/deid/mod.ts";
import { type AnonymizeArgs, UsageError } from "./args.ts";
import { exists } from "./atomic.ts";
import type { SerialConfig } from "./task.ts";

/** A validated configuration, its engine, and what to tell the user about the key. */
export interface DeidSetup {
  config: SerialConfig;
  deid: Deidentifier;
  keyNote: string;
  fingerprint: string;
}

/** Parses rules, resolves the key and validates the policy; throws {@link UsageError}. */
export async function setupDeid(args: AnonymizeArgs, cwd = Deno.cwd()): Promise<DeidSetup> {
  try {
    const rules: UserRule[] = args.tagRules.map((g, i) => parseRuleArgs(g, `-t #${i + 1}`));
    if (args.dictionary !== undefined) {
      rules.push(...parseRulesDictionary(await readDictionary(args.dictionary), args.dictionary));
    }
    const { key, keyNote } = await findKey(args, cwd);
    const config: SerialConfig = {
      profile: args.profile,
      options: args.options,
      rules,
      keepPrivateTags: args.keepPrivateTags,
      key,
      pseudonyms: args.pseudonyms,
      allowBurnedIn: args.allowBurnedIn,
      ...(args.cleanPixels === undefined ? {} : {
        pixelRules: parsePixelRules(await readRulesFile(args.cleanPixels), args.cleanPixels),
      }),
    };
    const deid = createDeidentifier(config);
    return { config, deid, keyNote, fingerprint: keyFingerprint(key) };
  } catch (err) {
    if (err instanceof DeidPolicyError || err instanceof RangeError || err instanceof TypeError) {
      throw new UsageError(err.message);
    }
    if (err instanceof SyntaxError && err.name === "DotenvSyntaxError") {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

async function readRulesFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    throw new UsageError(`cannot read --clean-pixels ${path}: ${(err as Error).name}`);
  }
}

async function readDictionary(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    throw new UsageError(`cannot read --dictionary ${path}: ${(err as Error).name}`);
  }
}

/**
 * The key by the usual precedence. A dry run writes nothing, so when no key exists yet it uses
 * a throw-away one rather than creating `$DATA_DIR/deid.key`.
 */
async function findKey(args: AnonymizeArgs, cwd: string) {
  const processEnv = Deno.env.toObject();
  const env = await loadEnv({ cwd, processEnv });
  const dataDir = resolve(cwd, env.DATA_DIR?.trim() || "./data");
  if (args.keyFile !== undefined && !(await exists(args.keyFile))) {
    throw new UsageError(`--key-file not found: ${args.keyFile}`);
  }
  const noKeyYet = args.keyFile === undefined && !env.DEID_KEY?.trim() &&
    !(await exists(join(dataDir, KEY_FILE_NAME)));
  if (args.dryRun && noKeyYet) {
    const key = crypto.getRandomValues(new Uint8Array(32));
    return { key, keyNote: "Dry run: no key yet, using a throw-away one (UIDs will differ)" };
  }
  const k = await resolveDeidKey({ keyFile: args.keyFile, env, processEnv, dataDir });
  return { key: k.key, keyNote: describeDeidKey(k) };
}
