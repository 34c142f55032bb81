import { join } from "node:path";

/** One bad line of a `.env` file: its 1-based number and why it was rejected (never its text). */
export interface DotenvIssue {
  line: number;
  reason: string;
}

/**
 * A `.env` file that cannot be parsed. The message lists line numbers and reasons only: a bad
 * line may well hold a password, so neither its key nor its value is repeated.
 */
export class DotenvSyntaxError extends SyntaxError {
  /** Every rejected line, in file order. */
  readonly issues: readonly DotenvIssue[];

  constructor(source: string, issues: DotenvIssue[]) {
    super(`Cannot parse ${source}: ${issues.map((i) => `line ${i.line}: ${i.reason}`).join("; ")}`);
    this.name = "DotenvSyntaxError";
    this.issues = issues;
  }
}

const LINE = /^(?:export\s+)?([^=]*?)\s*=(.*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * Parses `.env` text: `KEY=VALUE` lines, `#` comments, blank lines, an optional `export `
 * prefix, 'single' (literal) or "double" (with `\n`, `\r`, `\t`, `\"`, `\\` escapes) quoted
 * values, and ` #` comments after unquoted values. Values are literal: no `$VAR` expansion.
 * The last assignment of a key wins. Throws {@link DotenvSyntaxError} listing every bad line.
 */
export function parseDotenv(text: string, source = ".env"): Record<string, string> {
  const out: Record<string, string> = {};
  const issues: DotenvIssue[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = LINE.exec(line);
    if (!m) return issues.push({ line: index + 1, reason: "expected KEY=VALUE" });
    if (!NAME.test(m[1])) return issues.push({ line: index + 1, reason: "invalid variable name" });
    const value = parseValue(m[2]);
    if (typeof value !== "string") return issues.push({ line: index + 1, reason: value.error });
    out[m[1]] = value;
  });
  if (issues.length > 0) throw new DotenvSyntaxError(source, issues);
  return out;
}

/** Decodes the right-hand side of one assignment, or says what is wrong with it. */
function parseValue(afterEquals: string): string | { error: string } {
  const rhs = afterEquals.trimStart();
  const quote = rhs[0];
  if (quote !== '"' && quote !== "'") {
    // `#` starts a comment only after whitespace (`KEY= # note` is empty), so `a#b` survives.
    const hash = afterEquals.search(/\s#/);
    return (hash === -1 ? afterEquals : afterEquals.slice(0, hash)).trim();
  }
  let value = "";
  for (let i = 1; i < rhs.length; i++) {
    const c = rhs[i];
    if (c === quote) {
      const rest = rhs.slice(i + 1).trim();
      if (rest !== "" && !rest.startsWith("#")) return { error: "unexpected text after quote" };
      return value;
    }
    if (quote === '"' && c === "\\" && i + 1 < rhs.length) {
      const next = rhs[++i];
      value += ESCAPES[next] ?? `\\${next}`;
    } else {
      value += c;
    }
  }
  return { error: `unterminated ${quote === '"' ? "double" : "single"}-quoted value` };
}

/** Where {@link loadEnv} looks. */
export interface LoadEnvOptions {
  /** Directory holding the optional `.env` file. */
  cwd: string;
  /** The process environment (`Deno.env.toObject()`); it wins over `.env`. */
  processEnv: Record<string, string>;
}

/**
 * Merges `$cwd/.env` (if present) under the process environment, so a deployment can always
 * override a checked-in or copied `.env` without editing it.
 */
export async function loadEnv(opts: LoadEnvOptions): Promise<Record<string, string>> {
  const path = join(opts.cwd, ".env");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { ...opts.processEnv };
    throw err;
  }
  return { ...parseDotenv(text, path), ...opts.processEnv };
}
