/**
 * A line reader for the YAML subset compose files use (Deno has no YAML parser built in and
 * the project adds no dependency for a test): nested block mappings by indentation, scalars,
 * block lists (`- item`) and flow lists (`[a, b]`, possibly over several lines). Enough to
 * check docker-compose.yml; anchors, multi-line strings and flow mappings are not read.
 */

interface Line {
  indent: number;
  text: string;
}

/** The compose file as indented, comment-free lines. */
export class ComposeReader {
  readonly #lines: Line[];

  /** Reads the file's text. */
  constructor(text: string) {
    this.#lines = text.split(/\r?\n/).map(stripComment).filter((l) => l.trim() !== "")
      .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  }

  /** Keys directly under `path` (top level for `[]`). */
  keys(path: readonly string[]): string[] {
    const body = this.#body(path);
    if (!body) return [];
    const indent = Math.min(...body.map((l) => l.indent));
    return body.filter((l) => l.indent === indent && !l.text.startsWith("-"))
      .map((l) => /^([^:]+):/.exec(l.text)?.[1].trim() ?? "").filter(Boolean);
  }

  /** The scalar after `key:` at `path`, unquoted; undefined when absent or not a scalar. */
  scalar(path: readonly string[]): string | undefined {
    const line = this.#keyLine(path);
    const value = line === undefined ? "" : this.#lines[line].text.replace(/^[^:]+:\s*/, "");
    return value === "" || value.startsWith("[") ? undefined : unquote(value);
  }

  /** The items of a list at `path` (block or flow form); a scalar counts as one item. */
  list(path: readonly string[]): string[] {
    const line = this.#keyLine(path);
    if (line === undefined) return [];
    let value = this.#lines[line].text.replace(/^[^:]+:\s*/, "");
    if (value.startsWith("[")) {
      for (let k = line + 1; !value.trimEnd().endsWith("]") && k < this.#lines.length; k++) {
        value += " " + this.#lines[k].text;
      }
      return splitFlow(value.trim().slice(1, -1));
    }
    if (value !== "") return [unquote(value)];
    return (this.#body(path) ?? []).filter((l) => l.text.startsWith("- "))
      .map((l) => unquote(l.text.slice(2).trim()));
  }

  #keyLine(path: readonly string[]): number | undefined {
    let from = 0, to = this.#lines.length, found: number | undefined;
    for (const key of path) {
      const indent = Math.min(...this.#lines.slice(from, to).map((l) => l.indent));
      found = undefined;
      for (let k = from; k < to; k++) {
        const l = this.#lines[k];
        if (l.indent === indent && (l.text === `${key}:` || l.text.startsWith(`${key}: `))) {
          found = k;
          break;
        }
      }
      if (found === undefined) return undefined;
      from = found + 1;
      to = from;
      while (to < this.#lines.length && this.#lines[to].indent > this.#lines[found].indent) to++;
    }
    return found;
  }

  #body(path: readonly string[]): Line[] | undefined {
    if (path.length === 0) return this.#lines;
    const line = this.#keyLine(path);
    if (line === undefined) return undefined;
    const out: Line[] = [];
    for (let k = line + 1; k < this.#lines.length; k++) {
      if (this.#lines[k].indent <= this.#lines[line].indent) break;
      out.push(this.#lines[k]);
    }
    return out;
  }
}

/** Drops a `#` comment that starts a line or follows a space, outside quotes. */
function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) quote = c === quote ? "" : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line;
}

function unquote(s: string): string {
  const m = /^"(.*)"$|^'(.*)'$/.exec(s.trim());
  return m ? (m[1] ?? m[2]) : s.trim();
}

function splitFlow(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^,\s][^,]*)/g)]
    .map((m) => (m[1] ?? m[2] ?? m[3]).trim()).filter((v) => v !== "");
}
