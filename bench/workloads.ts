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

/** Size and file count of a generated tree (phi.json excluded: it is not an input). */
async function treeStats(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0, files = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      const sub = await treeStats(`${dir}/${e.name}`);
      bytes += sub.bytes;
      files += sub.files;
    } else if (e.name.endsWith(".dcm")) {
      bytes += (await Deno.stat(`${dir}/${e.name}`)).size;
      files++;
    }
  }
  return { bytes, files };
}

/** A tree of single-frame CT files from make_corpus.py (nested by patient/study/series). */
function treeWorkload(name: string, label: string, full: string[], quick: string[]): Workload {
  return {
    name,
    async prepare(quick_) {
      const args = quick_ ? quick : full;
      const dir = `${BENCH_WORK}${label}${quick_ ? "-quick" : ""}`;
      await generate(dir, "phi.json", [...args, "--nested"]);
      // The tree without phi.json: move the sidecar aside once so cp and tools see DICOM only.
      const tree = `${dir}/tree`;
      if (!(await exists(tree))) {
        await Deno.mkdir(tree);
        for await (const e of Deno.readDir(dir)) {
          if (e.isDirectory && e.name !== "tree") {
            await Deno.rename(`${dir}/${e.name}`, `${tree}/${e.name}`);
          }
        }
      }
      const { bytes, files } = await treeStats(tree);
      return {
        path: tree,
        bytes,
        files,
        description: `${files} files, ${(bytes / 1e6).toFixed(1)} MB`,
      };
    },
  };
}

/** W1: 2,000 CT slices of 512×512 (about 1 GB); 100 with --quick. */
export const W1_CT_SERIES = treeWorkload(
  "W1 CT slices",
  "w1",
  ["--patients", "4", "--studies", "1", "--series", "5", "--images", "100"],
  ["--patients", "1", "--studies", "1", "--series", "1", "--images", "100"],
);

/** W3: 6,000 tiny files (64×64); 300 with --quick. */
export const W3_TINY_FILES = treeWorkload(
  "W3 tiny files",
  "w3",
  [
    "--patients",
    "12",
    "--studies",
    "1",
    "--series",
    "5",
    "--images",
    "100",
    "--rows",
    "64",
    "--cols",
    "64",
  ],
  [
    "--patients",
    "3",
    "--studies",
    "1",
    "--series",
    "1",
    "--images",
    "100",
    "--rows",
    "64",
    "--cols",
    "64",
  ],
);

/** All workloads by name. */
export const WORKLOADS: Record<string, Workload> = {
  [W1_CT_SERIES.name]: W1_CT_SERIES,
  [W2_MULTIFRAME.name]: W2_MULTIFRAME,
  [W3_TINY_FILES.name]: W3_TINY_FILES,
};
