/**
 * The image shown where a preview cannot be made: a grey square that says "No preview" and
 * why (our own words: a transfer syntax name, a tag, a limit). SVG, so it needs no font
 * rendering here; it has no script and is served as an image.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** An SVG of `size` × `size` pixels with "No preview" and the reason, wrapped. */
export function placeholderSvg(reason: string, size: number): string {
  const lines = wrap(reason, 28).slice(0, 6);
  const font = Math.max(10, Math.round(size / 18));
  const top = size / 2 - ((lines.length + 1) * font * 1.3) / 2 + font;
  const text = [`<tspan font-weight="bold">No preview</tspan>`, ...lines.map(escape)]
    .map((t, i) => `<tspan x="50%" y="${(top + i * font * 1.3).toFixed(1)}">${t}</tspan>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" ` +
    `viewBox="0 0 ${size} ${size}" role="img"><rect width="100%" height="100%" fill="#e8e8e8"/>` +
    `<text text-anchor="middle" font-family="sans-serif" font-size="${font}" fill="#333">` +
    `${text}</text></svg>`;
}

/** Greedy word wrap at `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
