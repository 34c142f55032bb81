/**
 * DCMTK's view of a file as comparable lines, for the few files pydicom misreads: each data
 * element as "depth tag vr value", with group lengths, File Meta and length annotations left
 * out (our encoder rewrites those by design). A VR that DCMTK cannot name ("??") is matched
 * loosely, because we relabel unknown VR codes from the dictionary.
 */
export async function dcmdumpElements(path: string): Promise<string[]> {
  const { stdout } = await new Deno.Command("dcmdump", {
    args: ["-q", "+L", path], // +L: print long values in full
    stdout: "piped",
    stderr: "null",
  }).output();
  const lines: string[] = [];
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const m = line.match(/^(\s*)\(([0-9a-f]{4}),([0-9a-f]{4})\) (\S\S) (.*?)\s+#\s*(\S+),/);
    if (!m) continue;
    const [, indent, group, element, vr, value] = m;
    if (group === "0002" || group === "fffe" || element === "0000") continue;
    const shown = vr === "SQ" ? "(sequence)" : value;
    lines.push(`${indent.length} ${group}${element} ${vr === "??" ? "*" : vr} ${shown}`);
  }
  return lines;
}

/** True when two dumps agree; an element of unknown VR ("*") matches by position and tag. */
export function sameDump(input: string[], output: string[]): boolean {
  if (input.length !== output.length) return false;
  return input.every((line, i) => {
    const [d, t, vr, ...v] = line.split(" ");
    const [d2, t2, vr2, ...v2] = output[i].split(" ");
    // An unknown-VR value prints as hex in the input and by its new VR in the output.
    if (vr === "*") return d === d2 && t === t2;
    return d === d2 && t === t2 && vr === vr2 && v.join(" ") === v2.join(" ");
  });
}
