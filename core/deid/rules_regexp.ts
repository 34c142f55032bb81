/**
 * The `regexp` user action: the reference applies Python's `re.sub(find, replace, value)`.
 * The pattern here is a JavaScript RegExp (no `(?P<name>…)`, `$` only at the very end, `\w`
 * ASCII only). The replacement keeps Python's template syntax, so rule files written for the
 * reference behave the same: `\1`…`\99`, `\g<1>` and `\g<name>` refer to groups (what JS writes
 * `$1`), `\\` is a backslash, `\n` `\t` etc. are escapes, and `$` is an ordinary character.
 */
import { DeidPolicyError } from "./errors.ts";

/** Longest pattern accepted: a cap on the cost of a user pattern run on every value it hits. */
export const MAX_REGEXP_LENGTH = 1000;

// Python's template escapes (sre_parse); other ASCII letters and digits are errors there too.
const ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** A replacement piece: literal text, a group number, or a group name. */
type Part = string | number | { readonly name: string };

function compilePattern(find: string): RegExp {
  if (find.length > MAX_REGEXP_LENGTH) {
    throw new DeidPolicyError(`regexp pattern is longer than ${MAX_REGEXP_LENGTH} characters`);
  }
  try {
    return new RegExp(find, "g");
  } catch (e) {
    // The engine's message quotes the pattern, which may hold the very name being replaced.
    const message = String((e as Error).message);
    const why = message.slice(message.lastIndexOf(": ") + 2);
    const hint = /\(\?P[<=]/.test(find) ? "; JS writes Python's (?P<name>…) as (?<name>…)" : "";
    throw new DeidPolicyError(`regexp pattern is not a valid JavaScript RegExp: ${why}${hint}`);
  }
}

function parseTemplate(replace: string, groups: number, names: ReadonlySet<string>): Part[] {
  const parts: Part[] = [];
  let literal = "";
  const ref = (part: number | { name: string }) => {
    if (typeof part === "number" && part > groups) {
      throw new DeidPolicyError(
        `regexp replacement refers to group ${part}; pattern has ${groups}`,
      );
    }
    if (typeof part !== "number" && !names.has(part.name)) {
      throw new DeidPolicyError("regexp replacement refers to a group name the pattern lacks");
    }
    parts.push(literal, part);
    literal = "";
  };
  for (let i = 0; i < replace.length; i++) {
    if (replace[i] !== "\\") {
      literal += replace[i];
      continue;
    }
    const c = replace[++i];
    if (c === undefined) throw new DeidPolicyError("regexp replacement ends with a lone backslash");
    if (c >= "1" && c <= "9") {
      // Like Python, a second digit belongs to the group number: \10 is group 10.
      ref(Number(/[0-9]/.test(replace[i + 1] ?? "") ? c + replace[++i] : c));
    } else if (c === "g") {
      const m = /^<([^>]+)>/.exec(replace.slice(i + 1));
      if (!m) throw new DeidPolicyError("regexp replacement has \\g without <number or name>");
      i += m[0].length;
      ref(/^[0-9]+$/.test(m[1]) ? Number(m[1]) : { name: m[1] });
    } else if (Object.hasOwn(ESCAPES, c)) {
      literal += ESCAPES[c];
    } else if (/[A-Za-z0-9]/.test(c)) {
      // \0 and \NNN octal and \x, \u escapes are rare in rule files; refuse rather than guess.
      throw new DeidPolicyError(`regexp replacement has unsupported escape \\${c}`);
    } else {
      literal += `\\${c}`;
    }
  }
  parts.push(literal);
  return parts.filter((p) => p !== "");
}

/**
 * Compiles a regexp action into a function replacing every match, like Python's `re.sub`
 * (empty matches included: "x*" on "abxd" gives "-a-b--d-" in both). Throws DeidPolicyError,
 * quoting neither argument, for a bad pattern or replacement. Compile once per rule.
 */
export function compileRegexp(find: string, replace: string): (value: string) => string {
  const re = compilePattern(find);
  // Matching "" against the pattern or-empty reveals its group count and names without input.
  const probe = new RegExp(`(?:${find})|`).exec("")!;
  const parts = parseTemplate(replace, probe.length - 1, new Set(Object.keys(probe.groups ?? {})));
  return (value) =>
    value.replace(re, (...m: unknown[]) => {
      const named = m[m.length - 1];
      let out = "";
      for (const p of parts) {
        if (typeof p === "string") out += p;
        else if (typeof p === "number") out += (m[p] as string | undefined) ?? "";
        else out += (named as Record<string, string | undefined>)[p.name] ?? "";
      }
      return out;
    });
}

/**
 * Compiled rules by pattern and template: a run has a handful of regexp rules and applies them
 * to thousands of elements, which compiled each pattern (and probed its groups) every time.
 */
const COMPILED = new Map<string, (value: string) => string>();
const MAX_COMPILED = 1024;

/** Replaces every match of `find` in `value` by the Python-style template `replace`. */
export function applyRegexp(value: string, find: string, replace: string): string {
  const key = JSON.stringify([find, replace]);
  let fn = COMPILED.get(key);
  if (!fn) {
    fn = compileRegexp(find, replace);
    if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
    COMPILED.set(key, fn);
  }
  return fn(value);
}
