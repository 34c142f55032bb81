/**
 * Bundles the browser code into `static/build/` (gitignored): every `islands/Name.tsx` as
 * `Name.js`, the hydrate entry as `lib/hydrate.js`, and the code they share (Preact, helpers)
 * as content-hashed `chunk-*.js` files, with `deno bundle --platform browser --minify
 * --code-splitting`. One shared Preact is what makes hooks work across the entry and islands.
 *
 *     deno run -A tools/build_islands.ts        (or: deno task build:islands)
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Where the bundles go, relative to the repository root. */
export const BUILD_DIR = "static/build";

/** What a build produced: output files (relative to the build dir) and bytes per file. */
export interface BuildResult {
  readonly files: Record<string, number>;
  readonly ms: number;
}

/** The island entry points: `islands/*.tsx` files named in PascalCase. */
export async function islandEntries(root = ROOT): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(join(root, "islands"))) {
    if (e.isFile && /^[A-Z][A-Za-z0-9]*\.tsx$/.test(e.name)) names.push(`islands/${e.name}`);
  }
  return names.sort();
}

/** Rebuilds `static/build/` from scratch (stale chunks would otherwise pile up). */
export async function buildIslands(root = ROOT): Promise<BuildResult> {
  const start = performance.now();
  const out = join(root, BUILD_DIR);
  await Deno.remove(out, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const entries = [...await islandEntries(root), "islands/lib/hydrate.ts"];
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "--code-splitting",
      "--outdir",
      BUILD_DIR,
      ...entries,
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stderr } = await cmd.output();
  if (code !== 0) {
    throw new Error(`deno bundle failed (exit ${code}):\n${new TextDecoder().decode(stderr)}`);
  }
  const files: Record<string, number> = {};
  const walk = async (dir: string, prefix: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(join(dir, e.name), `${prefix}${e.name}/`);
      else files[prefix + e.name] = (await Deno.stat(join(dir, e.name))).size;
    }
  };
  await walk(out, "");
  return { files, ms: Math.round(performance.now() - start) };
}

if (import.meta.main) {
  const { files, ms } = await buildIslands();
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  for (const [name, size] of Object.entries(files).sort()) {
    console.log(`  ${BUILD_DIR}/${name}  ${(size / 1024).toFixed(1)} KB`);
  }
  console.log(
    `build:islands: ${Object.keys(files).length} files, ${
      (total / 1024).toFixed(1)
    } KB in ${ms} ms`,
  );
}
