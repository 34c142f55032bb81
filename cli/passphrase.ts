/**
 * Reads a passphrase from `--passphrase-file FILE` or standard input — never from the command
 * line, where other users see it in the process list and shells keep it in their history.
 * On a terminal it is typed without echo; otherwise stdin is read whole. One trailing newline
 * is dropped either way.
 */

/** The passphrase from `file` when given, else from stdin. */
export async function readPassphrase(file: string | undefined): Promise<string> {
  if (file !== undefined) return strip(await Deno.readTextFile(file));
  if (Deno.stdin.isTerminal()) return await typeHidden("Passphrase: ");
  return strip(await new Response(Deno.stdin.readable).text());
}

function strip(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** Reads one line from the terminal in raw mode, so the characters are not shown. */
async function typeHidden(label: string): Promise<string> {
  await Deno.stderr.write(new TextEncoder().encode(label));
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      const chunk = buffer.subarray(0, n);
      const end = chunk.findIndex((b) => b === 13 || b === 10 || b === 3);
      if (end >= 0 && chunk[end] === 3) throw new Error("Interrupted");
      bytes.push(...(end >= 0 ? chunk.subarray(0, end) : chunk));
      if (end >= 0) break;
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(new TextEncoder().encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
