/** Helpers for the CLI's end-to-end tests: spawn the real command, make inputs in temp dirs. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the CLI runs from there, as `deno task cli` does). */
export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The copied public corpus. */
export const CORPUS = join(ROOT, "tests/fixtures/corpus");
/** A fixed key, given through the environment so no test creates `./data/deid.key`. */
export const TEST_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A main.ts ARGS…` from the repository root with the test key. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env: { DEID_KEY: TEST_KEY_HEX, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** Runs `fn` with a fresh temp dir, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "deid-cli-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Makes a synthetic PHI-laden study with tests/tools/make_corpus.py (tiny images). */
export async function makeStudy(dir: string, args: string[] = []): Promise<string> {
  const defaults = ["--patients", "1", "--studies", "1", "--series", "1", "--images", "2"];
  const { code, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [
      join(ROOT, "tests/tools/make_corpus.py"),
      dir,
      "-q",
      "--rows",
      "8",
      "--cols",
      "8",
      ...defaults,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`make_corpus.py failed: ${new TextDecoder().decode(stderr)}`);
  return dir;
}

/** The planted values of one file of a made study, by attribute path (phi.json `files`). */
export async function plantedValues(study: string, rel: string): Promise<Map<string, string>> {
  const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
  const rows = phi.files[rel] as { path: string; value: string }[];
  return new Map(rows.map((r) => [r.path, r.value]));
}

/** Every file below `dir` (relative paths, sorted), hidden partials included. */
export async function listTree(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, rel))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listTree(dir, child));
    else out.push(child);
  }
  return out.sort();
}

/** Copies corpus files into `dir` under the given relative names. */
export async function placeCorpus(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, name] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.copyFile(join(CORPUS, name), join(dir, rel));
  }
}

/**
 * Starts `main.ts anonymize ARGS…` (with the test key), waits until a partial output in `out`
 * holds data, then sends `signal`. Resolves when the process has ended; `sent` is false when the
 * run finished before that moment came (within `timeoutMs`).
 */
export async function signalMidRun(
  args: string[],
  out: string,
  signal: Deno.Signal,
  timeoutMs = 20_000,
): Promise<{ sent: boolean; status: Deno.CommandStatus }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "anonymize", ...args],
    cwd: ROOT,
    env: { DEID_KEY: TEST_KEY_HEX },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = performance.now() + timeoutMs;
  let sent = false;
  while (!sent && performance.now() < deadline) {
    for (const e of Deno.readDirSync(out)) {
      if (e.name.includes(".partial-") && Deno.statSync(join(out, e.name)).size > 0) {
        child.kill(signal);
        sent = true;
      }
    }
    if (!sent) await new Promise((r) => setTimeout(r, 1));
  }
  return { sent, status: await child.status };
}
