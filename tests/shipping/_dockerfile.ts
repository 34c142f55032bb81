/**
 * Just enough of Docker's build-file rules to check ours without Docker (not installed here):
 * a Dockerfile reader (parser directives, escape character, line continuations, comment lines
 * inside continuations, heredocs, flags, exec form), `.dockerignore` matching as moby's
 * patternmatcher does, and COPY source globs (Go `filepath.Match`).
 */

/** One instruction, continuations joined. */
export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY… */
  keyword: string;
  /** `--name=value` flags before the arguments (`--from=build`, `--interval=30s`). */
  flags: Record<string, string>;
  /** The arguments after the flags, as written (continuations joined with a space). */
  args: string;
  /** The JSON array when the arguments are in exec form, else undefined. */
  exec?: string[];
  /** Heredoc bodies (`<<EOF`), in order. */
  heredocs: string[];
  /** 1-based line where the instruction starts. */
  line: number;
}

/** Every keyword the Dockerfile reference defines. */
export const KEYWORDS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]); // deno-fmt-ignore

/** Parses Dockerfile text; throws `SyntaxError` naming the line for an unknown keyword. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = "\\";
  let i = 0;
  // Parser directives: `# key=value` lines at the very top, before any other line.
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === "escape") escape = m[2];
  }
  const continued = new RegExp(`${escape.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}\\s*$`);
  const out: Instruction[] = [];
  while (i < lines.length) {
    const start = i;
    let logical = lines[i++];
    if (/^\s*(#|$)/.test(logical)) continue;
    while (continued.test(logical) && i < lines.length) {
      logical = logical.replace(continued, "");
      // Comment and blank lines inside a continuation vanish; the instruction goes on.
      while (i < lines.length && /^\s*(#.*)?$/.test(lines[i])) i++;
      if (i < lines.length) logical += " " + lines[i++].trim();
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(logical)!;
    const keyword = m[1].toUpperCase();
    if (!KEYWORDS.has(keyword)) {
      throw new SyntaxError(`line ${start + 1}: unknown instruction ${JSON.stringify(m[1])}`);
    }
    let rest = m[2].trim();
    const flags: Record<string, string> = {};
    for (let f; (f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest));) {
      flags[f[1]] = f[2] ?? "true";
      rest = rest.slice(f[0].length);
    }
    const heredocs: string[] = [];
    for (const h of rest.matchAll(/<<-?(["']?)([A-Za-z_]\w*)\1/g)) {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() !== h[2]) body.push(lines[i++]);
      if (i++ >= lines.length) throw new SyntaxError(`line ${start + 1}: heredoc not closed`);
      heredocs.push(body.join("\n"));
    }
    // Exec form: a JSON array of strings; HEALTHCHECK's comes after `CMD`.
    const cmd = keyword === "HEALTHCHECK" ? /^CMD\s+(?=\[)/i.exec(rest)?.[0] : "";
    const exec = cmd === undefined ? undefined : jsonArray(rest.slice(cmd.length));
    if (cmd && exec) exec.unshift("CMD");
    out.push({ keyword, flags, args: rest, exec, heredocs, line: start + 1 });
  }
  return out;
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith("[")) return undefined;
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((s) => typeof s === "string") ? parsed : undefined;
  } catch {
    return undefined; // not JSON: shell form, as Docker treats it
  }
}

/** Splits shell-form arguments on whitespace, keeping quoted runs together (quotes removed). */
export function words(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

/** A Go `filepath.Match` pattern (`*`, `?`, `[…]`) as a regular expression, `**` as any depth. */
export function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more folders; a trailing `**` anything below.
      if (pattern[i + 2] === "/") (re += "(?:.*/)?"), (i += 2);
      else (re += ".*"), (i += 1);
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw new SyntaxError(`unclosed [ in ${pattern}`);
      re += `[${pattern.slice(i + 1, end).replace(/^\^|^!/, "^").replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Cleans a context path the way Docker does: no leading `/` or `./`, no trailing `/`. */
export function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}

/** `.dockerignore` rules: later rules win, `!` re-includes, a matched folder hides its files. */
export class DockerIgnore {
  readonly #rules: { re: RegExp; negate: boolean; pattern: string }[] = [];

  /** Reads the file's text (comments and blank lines skipped). */
  constructor(text: string) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const negate = line.startsWith("!");
      const pattern = cleanPath(negate ? line.slice(1).trim() : line);
      this.#rules.push({ re: globRegExp(pattern), negate, pattern });
    }
  }

  /** True when a context path (file or folder) is left out of the build context. */
  excludes(path: string): boolean {
    const clean = cleanPath(path);
    const segs = clean.split("/");
    const prefixes = segs.map((_, k) => segs.slice(0, k + 1).join("/"));
    let excluded = false;
    for (const rule of this.#rules) {
      if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate;
    }
    return excluded;
  }
}

/** Context paths (relative, `/`-separated) that a COPY/ADD source pattern matches. */
export function expandSource(root: string, pattern: string): string[] {
  let found = [""];
  for (const seg of cleanPath(pattern).split("/").filter(Boolean)) {
    const next: string[] = [];
    for (const base of found) {
      if (!/[*?[\\]/.test(seg)) {
        const rel = base ? `${base}/${seg}` : seg;
        if (statOrNull(`${root}/${rel}`)) next.push(rel);
        continue;
      }
      const re = globRegExp(seg);
      const dir = statOrNull(`${root}/${base}`);
      if (!dir?.isDirectory) continue;
      for (const e of Deno.readDirSync(`${root}/${base}`)) {
        if (re.test(e.name)) next.push(base ? `${base}/${e.name}` : e.name);
      }
    }
    found = next;
  }
  return found.sort(); // [""] for the whole context (`COPY . .`)
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}
