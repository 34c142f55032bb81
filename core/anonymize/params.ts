/**
 * Query parameters of the anonymizing endpoints (`POST /api/anonymize`, batch creation),
 * mapped to the engine's configuration with the CLI's names: `profile`, `option`
 * (repeatable or comma-separated), `keepPrivateTags=1`, `minimal=1`, `rule` (repeatable,
 * "TAG ACTION [ARGS…]" split on spaces, like one `-t`) and `rules` (JSON: an array of token
 * arrays, or a rules dictionary object as for `--dictionary`). Parsed before any body byte.
 */
import {
  createDeidentifier,
  type DeidConfig,
  type Deidentifier,
  DeidPolicyError,
  MINIMAL_PROFILE,
  parsePixelRules,
  parseRuleArgs,
  parseRulesDictionary,
  type UserRule,
} from "../deid/mod.ts";
import { parsePseudonymParams, type PseudonymParams } from "../pseudonyms/params.ts";

/** The de-identification settings a request asked for (no key). */
export type AnonymizeParams = Omit<DeidConfig, "key"> & PseudonymParams;

const KNOWN = new Set([
  "profile",
  "option",
  "keepPrivateTags",
  "minimal",
  "rule",
  "rules",
  "pseudonyms",
  "prefix",
  "allowBurnedIn",
  "cleanPixels",
]);
const MAX_RULES = 1000;

/** Parses and validates the parameters; throws DeidPolicyError naming the bad one. */
export function parseAnonymizeParams(query: URLSearchParams): AnonymizeParams {
  for (const name of query.keys()) {
    if (!KNOWN.has(name)) {
      throw new DeidPolicyError(
        `Unknown query parameter ${JSON.stringify(name.slice(0, 40))}; known: ${
          [...KNOWN].join(", ")
        }`,
      );
    }
  }
  const minimal = flag(query, "minimal");
  const profiles = query.getAll("profile");
  if (profiles.length > 1) throw new DeidPolicyError("profile given more than once");
  if (minimal && profiles.length) {
    throw new DeidPolicyError("minimal=1 and profile exclude each other");
  }
  const options = query.getAll("option").flatMap((o) => o.split(",")).map((o) => o.trim())
    .filter((o) => o !== "");
  const rules: UserRule[] = query.getAll("rule").map((r, i) =>
    parseRuleArgs(r.trim().split(/\s+/), `rule #${i + 1}`)
  );
  for (const text of query.getAll("rules")) rules.push(...parseRulesJson(text));
  if (rules.length > MAX_RULES) throw new DeidPolicyError(`More than ${MAX_RULES} rules`);
  return {
    profile: minimal ? MINIMAL_PROFILE : profiles[0],
    options,
    rules,
    keepPrivateTags: flag(query, "keepPrivateTags"),
    ...parsePseudonymParams(query),
    ...pixelParams(query),
  };
}

/** `allowBurnedIn=1` and `cleanPixels=` (the JSON of a `--clean-pixels` rules file). */
function pixelParams(query: URLSearchParams): Pick<DeidConfig, "allowBurnedIn" | "pixelRules"> {
  const texts = query.getAll("cleanPixels");
  if (texts.length > 1) throw new DeidPolicyError("cleanPixels given more than once");
  return {
    allowBurnedIn: flag(query, "allowBurnedIn"),
    ...(texts.length ? { pixelRules: parsePixelRules(texts[0], "cleanPixels") } : {}),
  };
}

/** Validates the parameters against the engine and returns a per-file job factory. */
export function deidentifierFor(params: AnonymizeParams, key: Uint8Array): Deidentifier {
  return createDeidentifier({ ...params, key });
}

/** `rules=[["(0010,0020)","keep"], …]` or `rules={"(0010,0020)": "keep"}`. */
function parseRulesJson(text: string): UserRule[] {
  if (text.trimStart().startsWith("{")) return parseRulesDictionary(text, "rules");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DeidPolicyError("rules: not valid JSON");
  }
  const ok = Array.isArray(data) &&
    data.every((r) => Array.isArray(r) && r.every((t) => typeof t === "string"));
  if (!ok) throw new DeidPolicyError('rules: expected [["TAG", "ACTION", …args], …]');
  return (data as string[][]).map((tokens, i) => parseRuleArgs(tokens, `rules[${i}]`));
}

function flag(query: URLSearchParams, name: string): boolean {
  const values = query.getAll(name);
  if (values.length > 1) throw new DeidPolicyError(`${name} given more than once`);
  const v = values[0];
  if (v === undefined || v === "0" || v === "false") return false;
  if (v === "" || v === "1" || v === "true") return true;
  throw new DeidPolicyError(`${name} must be 1 or 0`);
}
