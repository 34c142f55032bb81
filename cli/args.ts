/**
 * Command-line parsing for `anonymize` (and its `dicom-anonymizer` alias). Hand-written because
 * the reference's `-t TAG ACTION [ARGS…]` takes a number of arguments that depends on ACTION,
 * which `node:util` parseArgs cannot express.
 */

import type { PseudonymMode } from "../core/pseudonyms/attributes.ts";
import { checkPseudonymArgs, parsePseudonymMode } from "./pseudonym_args.ts";
import { parseShard, type Shard } from "./shard.ts";

/** A command line that cannot be run; the command exits with status 2. */
export class UsageError extends Error {
  /** Creates the error; the message says what to fix. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Everything the command line asks for. */
export interface AnonymizeArgs {
  input?: string;
  output?: string;
  /** Token groups of each `-t`, in order: [TAG, ACTION, ...ARGS]. */
  tagRules: string[][];
  dictionary?: string;
  keepPrivateTags: boolean;
  /** `--profile ID`; `--minimal` sets it to "minimal". */
  profile?: string;
  options: string[];
  keyFile?: string;
  jobs?: number;
  report?: string;
  /** `--manifest FILE`: the signed audit trail (docs/manifest.md). */
  manifest?: string;
  /** `--signing-key FILE`: its Ed25519 key (default `$DATA_DIR/manifest-signing.pem`). */
  signingKey?: string;
  /** `--pseudonyms hash|sequential` (core/pseudonyms/). */
  pseudonyms?: PseudonymMode;
  /** `--prefix SITE`: names the sequence of `--pseudonyms sequential`. */
  prefix?: string;
  rename?: "uid";
  /** `--shard i/n`: this run takes only its share of IN's files (see `shard.ts`). */
  shard?: Shard;
  dryRun: boolean;
  json: boolean;
  overwrite: boolean;
  quiet: boolean;
  copyNonDicom: boolean;
  allowOutputInsideInput: boolean;
  /** `--allow-burned-in`: write files whose (0028,0301) is YES (held back by default). */
  allowBurnedIn: boolean;
  /** `--clean-pixels RULES.json`: Clean Pixel Data rules (core/deid/pixel_rules.ts). */
  cleanPixels?: string;
  minimal: boolean;
  help: boolean;
  version: boolean;
}

/** How many ARGS follow `-t TAG ACTION` (the reference: regexp FIND REPLACE, replace_with_value VALUE). */
export function actionArity(action: string): number {
  return action === "regexp" ? 2 : action === "replace_with_value" ? 1 : 0;
}

const BOOLEANS = {
  "--keepPrivateTags": "keepPrivateTags",
  "--minimal": "minimal",
  "--dry-run": "dryRun",
  "--json": "json",
  "--overwrite": "overwrite",
  "--quiet": "quiet",
  "-q": "quiet",
  "--copy-non-dicom": "copyNonDicom",
  "--allow-output-inside-input": "allowOutputInsideInput",
  "--allow-burned-in": "allowBurnedIn",
  "--help": "help",
  "-h": "help",
  "--version": "version",
  "-V": "version",
} as const;
const VALUED = [
  "--dictionary",
  "--profile",
  "--option",
  "--key-file",
  "--jobs",
  "--report",
  "--manifest",
  "--signing-key",
  "--pseudonyms",
  "--prefix",
  "--rename",
  "--shard",
  "--clean-pixels",
];

/** Parses the arguments after the sub-command; throws {@link UsageError}. */
export function parseAnonymizeArgs(argv: readonly string[]): AnonymizeArgs {
  const a: AnonymizeArgs = {
    tagRules: [],
    options: [],
    keepPrivateTags: false,
    dryRun: false,
    json: false,
    overwrite: false,
    quiet: false,
    copyNonDicom: false,
    allowOutputInsideInput: false,
    allowBurnedIn: false,
    minimal: false,
    help: false,
    version: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positional.push(token);
      continue;
    }
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    if (flag in BOOLEANS && eq < 0) {
      a[BOOLEANS[flag as keyof typeof BOOLEANS]] = true;
    } else if (flag === "-t" || flag === "--tag") {
      const action = argv[i + 2];
      const group = argv.slice(i + 1, i + 3 + (action === undefined ? 0 : actionArity(action)));
      // Counts only: a short -t may hold a replacement value, which is never echoed.
      const want = 2 + (action === undefined ? 0 : actionArity(action));
      if (group.length < want) {
        throw new UsageError(
          `-t #${a.tagRules.length + 1} needs ${want} values, got ${group.length}`,
        );
      }
      a.tagRules.push(group);
      i += group.length;
    } else if (VALUED.includes(flag)) {
      const value = eq > 0 ? token.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      setValued(a, flag, value);
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(flag)} (see --help)`);
    }
  }
  if (a.help || a.version) return a;
  pseudonymArg(() => checkPseudonymArgs(a.pseudonyms, a.prefix));
  if (a.minimal) {
    if (a.profile !== undefined && a.profile !== "minimal") {
      throw new UsageError("--minimal and --profile name different profiles");
    }
    a.profile = "minimal";
  }
  if (positional.length !== 2) {
    throw new UsageError(`expected IN and OUT, got ${positional.length} path(s) (see --help)`);
  }
  [a.input, a.output] = positional;
  return a;
}

function shardArg(value: string): Shard {
  try {
    return parseShard(value);
  } catch (err) {
    throw new UsageError((err as RangeError).message);
  }
}

function pseudonymArg(check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new UsageError((err as RangeError).message);
  }
}

function setValued(a: AnonymizeArgs, flag: string, value: string): void {
  if (flag === "--option") a.options.push(value);
  else if (flag === "--dictionary") a.dictionary = value;
  else if (flag === "--profile") a.profile = value;
  else if (flag === "--key-file") a.keyFile = value;
  else if (flag === "--report") a.report = value;
  else if (flag === "--manifest") a.manifest = value;
  else if (flag === "--signing-key") a.signingKey = value;
  else if (flag === "--shard") a.shard = shardArg(value);
  else if (flag === "--clean-pixels") a.cleanPixels = value;
  else if (flag === "--pseudonyms") pseudonymArg(() => a.pseudonyms = parsePseudonymMode(value));
  else if (flag === "--prefix") a.prefix = value;
  else if (flag === "--rename") {
    if (value !== "uid") throw new UsageError(`--rename takes "uid"`);
    a.rename = value;
  } else {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 256) {
      throw new UsageError("--jobs takes a whole number from 1 to 256");
    }
    a.jobs = n;
  }
}
