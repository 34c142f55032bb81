/**
 * Runs preview_reference.py (/usr/bin/python3 with pydicom and numpy): decodes our PNGs with
 * its own stdlib decoder and computes the preview a DICOM file should get, so the preview
 * tests compare against code that shares nothing with core/preview.
 */
/** An 8-bit image as the reference script reports it. */
export interface RefImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const SCRIPT = new URL("./preview_reference.py", import.meta.url).pathname;

async function run(args: string[]): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`preview_reference.py failed: ${new TextDecoder().decode(stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(stdout));
}

function images(out: Record<string, unknown>, paths: string[]): Map<string, RefImage> {
  const result = new Map<string, RefImage>();
  for (const p of paths) {
    const r = out[p] as {
      error?: string;
      width: number;
      height: number;
      channels: number;
      pixels: string;
    };
    if (r.error) throw new Error(`preview_reference.py: ${p}: ${r.error}`);
    result.set(p, { ...r, pixels: Uint8Array.from(atob(r.pixels), (c) => c.charCodeAt(0)) });
  }
  return result;
}

/** Decodes PNG files (CRCs, IHDR, zlib, filters 0–4) with Python's stdlib. */
export async function decodePngs(paths: string[]): Promise<Map<string, RefImage>> {
  return images(await run(["png", ...paths]), paths);
}

/** The expected previews of DICOM files, from pydicom's pixel_array and numpy. */
export async function expectedPreviews(
  paths: string[],
  max: number,
): Promise<Map<string, RefImage>> {
  return images(await run(["expect", String(max), ...paths]), paths);
}

/** Writes the synthetic test images into `dir`; returns their names. */
export async function writeSynthetic(dir: string): Promise<string[]> {
  return ((await run(["synth", dir])) as { written: string[] }).written;
}

/** Writes files that must get no preview into `dir` (see `bad()` in the script); returns names. */
export async function writeBad(dir: string): Promise<string[]> {
  return ((await run(["bad", dir])) as { written: string[] }).written;
}

/** Largest absolute difference between two images' bytes (Infinity when shapes differ). */
export function maxDifference(a: RefImage, b: RefImage): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) return Infinity;
  let max = 0;
  for (let i = 0; i < a.pixels.length; i++) {
    max = Math.max(max, Math.abs(a.pixels[i] - b.pixels[i]));
  }
  return max;
}
