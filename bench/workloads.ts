/**
 * Benchmark inputs, generated once with `tests/tools/make_corpus.py` and cached under
 * `bench/work/` (gitignored), so later runs reuse them.
 */

/** A generated input ready to be measured. */
export interface Input {
  /** A file, or a directory for multi-file workloads. */
  path: string;
  bytes: number;
  files: number;
  /** Human description for the report, e.g. "1 multi-frame file, 1073.7 MB". */
  description: string;
}

/** A named input recipe; `quick` asks for a small variant for smoke runs. */
export interface Workload {
  name: string;
  prepare(quick: boolean): Promise<Input>;
}

/** Where generated inputs, outputs and intermediate JSON live. */
export const BENCH_WORK = new URL("./work/", import.meta.url).pathname;
const MAKE_CORPUS = new URL("../tests/tools/make_corpus.py", import.meta.url).pathname;
/** Debian's interpreter has pydicom and numpy; a pyenv python3 on PATH may not. */
const PYTHON = "/usr/bin/python3";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Runs make_corpus.py into `dir` unless `dir/marker` is there; writes to a temp dir first. */
async function generate(
  dir: string,
  marker: string,
  args: string[],
): Promise<void> {
  if (await exists(`${dir}/${marker}`)) return;
  const tmp = `${dir}.tmp`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  console.error(`bench: generating ${dir} (make_corpus.py ${args.join(" ")})`);
  const { success } = await new Deno.Command(PYTHON, {
    args: [MAKE_CORPUS, tmp, "-q", ...args],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) throw new Error(`make_corpus.py ${args.join(" ")} failed`);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, dir);
}

/** W2: one big multi-frame file (1 GiB; 64 MiB with --quick). Pixel Data dominates. */
export const W2_MULTIFRAME: Workload = {
  name: "W2 multi-frame",
  async prepare(quick) {
    const size = quick ? "64M" : "1G";
    const dir = `${BENCH_WORK}mf${size.toLowerCase()}`;
    // phi.json is written last, so its presence means the file is complete.
    await generate(dir, "phi.json", [
      "--multiframe",
      size,
      "--only-multiframe",
    ]);
    const path = `${dir}/mf_${size}.dcm`;
    const bytes = (await Deno.stat(path)).size;
    return {
      path,
      bytes,
      files: 1,
      description: `1 multi-frame file, ${(bytes / 1e6).toFixed(1)} MB`,
    };
  },
};

/** All workloads by name. */
export const WORKLOADS: Record<string, Workload> = {
  [W2_MULTIFRAME.name]: W2_MULTIFRAME,
};
