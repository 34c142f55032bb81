/**
 * The island bundles for the e2e tests. `deno task test` builds them first; a test run on its
 * own builds them when missing or older than a source file. Test files run in parallel, so a
 * lock file makes one of them build while the others wait (a rebuild deletes the old files).
 */
import { join } from "node:path";
import { BUILD_DIR, buildIslands } from "../../tools/build_islands.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MARKER = join(ROOT, BUILD_DIR, "lib", "hydrate.js");
const LOCK = join(ROOT, "static", ".build.lock");

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) newest = Math.max(newest, await newestSource(path));
    else if (/\.tsx?$/.test(e.name) && !e.name.includes("_test")) {
      newest = Math.max(newest, (await Deno.stat(path)).mtime?.getTime() ?? 0);
    }
  }
  return newest;
}

async function fresh(): Promise<boolean> {
  const built = await Deno.stat(MARKER).then((s) => s.mtime?.getTime() ?? 0, () => 0);
  return built > 0 && built >= await newestSource(join(ROOT, "islands"));
}

/** Makes sure `static/build/` is current. */
export async function ensureIslands(): Promise<void> {
  if (await fresh()) return;
  for (let waited = 0;; waited += 100) {
    try {
      (await Deno.open(LOCK, { createNew: true, write: true })).close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      // A crashed run may leave the lock behind: take it over after a while.
      if (waited > 30_000) await Deno.remove(LOCK).catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (!(await fresh())) await buildIslands();
  } finally {
    await Deno.remove(LOCK).catch(() => {});
  }
}
