/**
 * User rules in the form of KitwareMedical/dicom-anonymizer: `-t TAG ACTION [ARGS…]` on the
 * command line and `--dictionary rules.json`. Later rules override earlier ones, as the
 * reference's successive `dict.update()` calls do.
 */
import type { Tag } from "../dicom/tag.ts";
import { type Action, ACTION_NAMES, type ActionName } from "./actions.ts";
import { DeidPolicyError } from "./errors.ts";
import { matchesTagPattern, type TagPattern } from "./profile.ts";
import { compileRegexp } from "./rules_regexp.ts";
import { parseTagSpec } from "./tag_spec.ts";

export { applyRegexp, compileRegexp } from "./rules_regexp.ts";

/** One user rule: which tags, what to do, and where it was written ("-t #2", a file key). */
export interface UserRule {
  readonly pattern: TagPattern;
  readonly action: Action;
  readonly source: string;
}

// Files may come in over HTTP; every element is looked up against the masked rules.
const MAX_DICTIONARY_RULES = 10_000;
const OBJECT_KEYS = ["action", "find", "replace", "value"];

function argNames(name: ActionName): readonly string[] {
  if (name === "regexp") return ["find", "replace"];
  return name === "replace_with_value" ? ["value"] : [];
}

function isActionName(s: unknown): s is ActionName {
  return (ACTION_NAMES as readonly unknown[]).includes(s);
}

/** Runs `f`, prefixing the message of any DeidPolicyError with where the rule was written. */
function within<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DeidPolicyError) {
      throw new DeidPolicyError(`${where}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

// An action token is never echoed: a mistyped command line may put a replacement value there.
function action(name: unknown, args: readonly string[], where: string): Action {
  if (!isActionName(name)) {
    throw new DeidPolicyError(
      `${where}: unknown action; valid actions: ${ACTION_NAMES.join(", ")}`,
    );
  }
  const names = argNames(name);
  if (args.length !== names.length) {
    const wanted = names.length === 0 ? "no arguments" : `${names.length} (${names.join(", ")})`;
    throw new DeidPolicyError(`${where}: action ${name} takes ${wanted}, got ${args.length}`);
  }
  if (name === "regexp") {
    within(where, () => compileRegexp(args[0], args[1]));
    return { name, find: args[0], replace: args[1] };
  }
  return name === "replace_with_value" ? { name, value: args[0] } : { name };
}

/** Parses the tokens of one `-t` occurrence, [TAG, ACTION, ...ARGS]; `source` is e.g. "-t #2". */
export function parseRuleArgs(tokens: readonly string[], source: string): UserRule {
  if (tokens.length < 2) {
    throw new DeidPolicyError(
      `${source}: expected TAG ACTION [ARGS…], got ${tokens.length} token(s)`,
    );
  }
  const pattern = within(source, () => parseTagSpec(tokens[0]));
  return { pattern, action: action(tokens[1], tokens.slice(2), source), source };
}

function objectAction(v: Record<string, unknown>, where: string): Action {
  const unknown = Object.keys(v).find((k) => !OBJECT_KEYS.includes(k));
  if (unknown !== undefined) {
    throw new DeidPolicyError(
      `${where}: unknown key ${JSON.stringify(unknown.slice(0, 40))}; allowed: ${
        OBJECT_KEYS.join(", ")
      }`,
    );
  }
  const name = v.action;
  if (!isActionName(name)) return action(name, [], where);
  const names = argNames(name);
  const extra = Object.keys(v).find((k) => k !== "action" && !names.includes(k));
  if (extra !== undefined) {
    throw new DeidPolicyError(`${where}: key "${extra}" does not apply to action ${name}`);
  }
  const missing = names.find((n) => typeof v[n] !== "string");
  if (missing !== undefined) {
    throw new DeidPolicyError(`${where}: action ${name} needs "${missing}" as a string`);
  }
  return action(name, names.map((n) => v[n] as string), where);
}

/**
 * Top-level keys in the order the file writes them. JSON.parse lists integer-like keys
 * ("20011001") first, but later rules must win in file order, as in the reference's Python dict
 * (a repeated key keeps its first place and takes its last value there too).
 */
function keysInTextOrder(text: string): string[] {
  const keys = new Set<string>();
  const colon = /\s*:/y;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      colon.lastIndex = i + 1;
      if (depth === 1 && colon.test(text)) keys.add(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return [...keys];
}

/**
 * Parses a rules dictionary file: a JSON object whose keys are tag specs and whose values are
 * an action name, {"action", "find", "replace"} for regexp or {"action", "value"} for
 * replace_with_value. `source` names the file in messages; its content is never quoted.
 */
export function parseRulesDictionary(jsonText: string, source: string): UserRule[] {
  const text = jsonText.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // The engine's message quotes the text around the error; keep only where it is.
    const at = /at position \d+(?: \(line \d+ column \d+\))?/.exec(String(e))?.[0];
    throw new DeidPolicyError(`${source}: not valid JSON${at ? ` (${at})` : ""}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new DeidPolicyError(`${source}: expected a JSON object mapping tag specs to actions`);
  }
  const entries = data as Record<string, unknown>;
  const keys = keysInTextOrder(text);
  if (keys.length > MAX_DICTIONARY_RULES) {
    throw new DeidPolicyError(`${source}: more than ${MAX_DICTIONARY_RULES} rules`);
  }
  return keys.map((key) => {
    const where = `${source} key ${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}`;
    const pattern = within(where, () => parseTagSpec(key));
    const v = entries[key];
    if (typeof v === "string") return { pattern, action: action(v, [], where), source: where };
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      return { pattern, action: objectAction(v as Record<string, unknown>, where), source: where };
    }
    throw new DeidPolicyError(`${where}: expected an action name or an {"action": …} object`);
  });
}

type Indexed = { readonly rule: UserRule; readonly index: number };

/** User rules ready for per-element lookup; when several match a tag, the last given wins. */
export class RuleSet {
  #exact = new Map<Tag, Indexed>();
  #masked: Indexed[] = [];
  #size: number;
  #userKeep: boolean;

  /** Indexes the rules; their order is the precedence order (later overrides earlier). */
  constructor(rules: readonly UserRule[]) {
    rules.forEach((rule, index) => {
      if (rule.pattern.mask === 0xffffffff) this.#exact.set(rule.pattern.value, { rule, index });
      else this.#masked.push({ rule, index });
    });
    this.#size = rules.length;
    this.#userKeep = rules.some((r) =>
      r.action.name === "custom" || argNames(r.action.name).length > 0 || r.action.name === "keep"
    );
  }

  /** The rule for a tag: O(1) for exact tags, then the masked rules given after it, last first. */
  find(t: Tag): UserRule | undefined {
    const exact = this.#exact.get(t);
    for (let i = this.#masked.length - 1; i >= 0; i--) {
      const m = this.#masked[i];
      if (exact !== undefined && m.index < exact.index) break;
      if (matchesTagPattern(m.rule.pattern, t)) return m.rule;
    }
    return exact?.rule;
  }

  /**
   * True when any rule keeps or sets a value the user chose (keep, regexp, replace_with_value):
   * such a value may identify the patient, so Patient Identity Removed (0012,0062) cannot
   * claim YES. Counts overridden rules too, erring on the side of not claiming.
   */
  hasUserKeep(): boolean {
    return this.#userKeep;
  }

  /** The number of rules given, overridden ones included. */
  get size(): number {
    return this.#size;
  }
}
