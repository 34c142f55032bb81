/**
 * One fuzz case: a mutated corpus file (from a seed and an index, or bytes from a file) run
 * through the codec alone (`DicomPipeline`) and through the default de-identification, with
 * its outcome classified: "ok" (output produced, and it re-parses), "parse-error" (a
 * DicomParseError, DeidValueError or DeidSkipError with a safe message) or "bug" (anything
 * else: another exception, an output our parser rejects, a leaky message, a changed result
 * under another chunking, an identifier left in the output).
 *
 *   deno run -A tests/fuzz/fuzz_case.ts --seed 1 --index 123 [--write case.dcm]
 *   deno run -A tests/fuzz/fuzz_case.ts --file case.dcm [--chunk 7]
 */
import { parseArgs } from "node:util";
import { DicomParseError, DicomParser, DicomPipeline } from "../../core/dicom/mod.ts";
import { createDeidentifier, DeidSkipError, DeidValueError } from "../../core/deid/mod.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { messageProblems, outputProblems, textValues } from "./checks.ts";
import { type Layout, layoutOf } from "./layout.ts";
import { caseSeed, mutate, Rng, truncateAt } from "./mutate.ts";
import { runWithBypass } from "../support/run_bypass.ts";
import { firstDifference } from "../support/first_difference.ts";
import { concat } from "../../core/dicom/file_meta.ts";

/** The key of every fuzz run (fixed, so outputs and failures replay exactly). */
export const FUZZ_KEY = new TextEncoder().encode("fuzz-key-0123456789abcdef");

/**
 * `FUZZ_FEATURES=all`: every optional stage on as well — the audit trail, hash pseudonyms and a
 * Clean Pixel Data rule that matches every file (compressed ones are then held back).
 */
const ALL_FEATURES = Deno.env.get("FUZZ_FEATURES") === "all";
const deidentifier = createDeidentifier({
  key: FUZZ_KEY,
  ...(ALL_FEATURES
    ? {
      pseudonyms: "hash" as const,
      pixelRules: [{ match: {}, rectangles: [[0, 0, 16, 16], [3, 5, 4000, 2]] as const }],
    }
    : {}),
});
const startPipeline = () => deidentifier.start(ALL_FEATURES ? { audit: true } : {}).pipeline;

/** How one pipeline run ended. */
export type Outcome =
  | { kind: "ok"; output: Uint8Array }
  | { kind: "parse-error"; name: string; message: string }
  | { kind: "bug"; name: string; message: string };

/** The verdict on one case. */
export interface CaseResult {
  /** "bug" when any problem was found, else the de-identification's outcome. */
  outcome: "ok" | "parse-error" | "bug";
  codec: Outcome;
  deid: Outcome;
  /** Everything wrong, without values (safe to print). */
  problems: string[];
}

/** A corpus file with its header map, computed on first use. */
export interface CorpusFile {
  readonly file: string;
  readonly bytes: Uint8Array;
  layout(): Layout;
}

/** Reads every corpus file (manifest order). */
export async function loadCorpus(): Promise<CorpusFile[]> {
  const rows = await readManifest();
  return await Promise.all(rows.map(async (row) => {
    const bytes = await Deno.readFile(corpusPath(row.file));
    let layout: Layout | undefined;
    return { file: row.file, bytes, layout: () => (layout ??= layoutOf(bytes)) };
  }));
}

/** A generated case: the input and how to feed it. */
export interface FuzzInput {
  readonly file: string;
  readonly what: string;
  readonly bytes: Uint8Array;
  /** Push size (0: the whole input in one push). */
  readonly chunk: number;
}

/** Case `index` of the random space under `seed`: a corpus file, mutated, and a chunk size. */
export function randomCase(corpus: readonly CorpusFile[], seed: number, index: number): FuzzInput {
  const rng = new Rng(caseSeed(seed, index));
  const base = rng.pick(corpus);
  const { bytes, what } = mutate(base.bytes, rng, base.layout());
  return { file: base.file, what, bytes, chunk: pickChunk(rng, bytes.length) };
}

/** The systematic truncations: every element boundary of every corpus file, in order. */
export function truncationCases(corpus: readonly CorpusFile[]): { file: number; at: number }[] {
  const out: { file: number; at: number }[] = [];
  corpus.forEach((f, i) => {
    const cuts = new Set(f.layout().headers.map((h) => h.offset));
    cuts.add(f.layout().datasetStart);
    for (const at of [...cuts].sort((a, b) => a - b)) {
      if (at < f.bytes.length) out.push({ file: i, at });
    }
  });
  return out;
}

/** Case `k` of {@link truncationCases} as an input. */
export function truncationCase(
  corpus: readonly CorpusFile[],
  cut: { file: number; at: number },
): FuzzInput {
  const base = corpus[cut.file];
  const { bytes, what } = truncateAt(base.bytes, cut.at);
  return { file: base.file, what, bytes, chunk: 0 };
}

function pickChunk(rng: Rng, size: number): number {
  const r = rng.int(10);
  if (r < 4) return 0;
  // Tiny pushes are slow on big inputs; keep them to small files.
  if (r < 6 && size <= 32 * 1024) return rng.range(1, 16);
  return rng.range(17, 16384);
}

/** Runs one input through codec and engine; `chunk` 0 pushes it whole. */
export function runCase(bytes: Uint8Array, chunk = 0): CaseResult {
  const problems: string[] = [];
  const codec = run(() => new DicomPipeline(), bytes, chunk);
  // Odd push sizes also let every value the pipeline allows bypass it (the CLI's kernel copy).
  const bypass = chunk % 2 === 1;
  const deid = run(startPipeline, bytes, chunk, bypass);
  if (chunk !== 0) {
    // Chunk invariance (STYLE.md): the same bytes pushed whole give the same result.
    const whole = run(startPipeline, bytes, 0);
    const how = bypass ? `chunk ${chunk} with bypass` : `chunk ${chunk}`;
    if (!sameOutcome(whole, deid)) problems.push(`deid: ${how} and whole differ`);
  }
  for (const [label, o] of [["codec", codec], ["deid", deid]] as const) {
    if (o.kind === "bug") problems.push(`${label}: ${o.name}: ${o.message}`);
    if (o.kind === "parse-error") {
      for (const p of messageProblems(o.message, textValues(bytes))) {
        problems.push(`${label}: ${p}: ${o.message}`);
      }
    }
    if (o.kind === "ok") problems.push(...reparse(label, o.output));
  }
  if (codec.kind === "ok" && deid.kind === "ok") {
    // The codec's output is a fixed point: encoding it again leaves the dataset as it is. File
    // Meta may still gain the SOP Class/Instance UIDs: a dataset out of tag order can hide them
    // from the first pass, which holds events only until group 0008 looks done.
    const again = run(() => new DicomPipeline(), codec.output, 0);
    if (again.kind !== "ok" || !sameBytes(dataset(again.output), dataset(codec.output))) {
      problems.push("codec: re-encoding the output changes its dataset");
    }
  }
  if (deid.kind === "ok") {
    try {
      problems.push(...outputProblems(deid.output, ALL_FEATURES).map((p) => `deid: ${p}`));
    } catch { /* reported by reparse */ }
  }
  const outcome = problems.length ? "bug" : deid.kind;
  return { outcome, codec, deid, problems };
}

function run(
  make: () => DicomPipeline,
  bytes: Uint8Array,
  chunk: number,
  bypass = false,
): Outcome {
  try {
    const pipeline = make();
    if (bypass) return { kind: "ok", output: runWithBypass(pipeline, bytes, chunk).output };
    const out: Uint8Array[] = [];
    const step = chunk || bytes.length || 1;
    for (let at = 0; at < bytes.length; at += step) {
      // Views, not copies: nothing refills the input here, so the buffer contract does not
      // bite, and copying big inputs four times per case would dominate the workers' RSS.
      out.push(...pipeline.push(bytes.subarray(at, at + step)));
    }
    out.push(...pipeline.finish());
    return { kind: "ok", output: concat(out) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const expected = err instanceof DicomParseError || err instanceof DeidValueError ||
      err instanceof DeidSkipError;
    return { kind: expected ? "parse-error" : "bug", name: err.name, message: err.message };
  }
}

/** Our parser must read back everything we write. */
function reparse(label: string, output: Uint8Array): string[] {
  try {
    const parser = new DicomParser();
    parser.push(output);
    parser.finish();
    return [];
  } catch (e) {
    return [`${label}: output does not re-parse: ${(e as Error).message}`];
  }
}

/** The bytes after File Meta of one of our outputs (which re-parses: checked before). */
function dataset(output: Uint8Array): Uint8Array {
  const parser = new DicomParser();
  const metaEnd = [...parser.push(output), ...parser.finish()].find((e) => e.kind === "metaEnd");
  return output.subarray(metaEnd?.kind === "metaEnd" ? metaEnd.offset : 0);
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind === "ok" && b.kind === "ok") return sameBytes(a.output, b.output);
  return a.kind !== "ok" && b.kind !== "ok" && a.message === b.message;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return firstDifference(a, b) === -1;
}

/** The one-line summary of a result printed by the command line and the workers. */
export function describe(r: CaseResult): string {
  const o = (x: Outcome) => (x.kind === "ok" ? "ok" : `${x.kind} (${x.name}: ${x.message})`);
  return [`outcome: ${r.outcome}`, `codec: ${o(r.codec)}`, `deid: ${o(r.deid)}`]
    .concat(r.problems.map((p) => `problem: ${p}`)).join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      index: { type: "string" },
      file: { type: "string" },
      chunk: { type: "string" },
      write: { type: "string" },
    },
  });
  let input: FuzzInput;
  if (values.file) {
    input = {
      file: values.file,
      what: "as read",
      bytes: await Deno.readFile(values.file),
      chunk: 0,
    };
  } else if (values.index !== undefined) {
    input = randomCase(await loadCorpus(), Number(values.seed), Number(values.index));
  } else {
    console.error(
      "usage: fuzz_case.ts (--seed S --index I | --file PATH) [--chunk N] [--write OUT]",
    );
    Deno.exit(2);
  }
  const chunk = values.chunk !== undefined ? Number(values.chunk) : input.chunk;
  if (values.write) await Deno.writeFile(values.write, input.bytes);
  const started = performance.now();
  const result = runCase(input.bytes, chunk);
  const ms = performance.now() - started;
  console.log(`case: ${input.file} ${input.what} (${input.bytes.length} bytes, chunk ${chunk})`);
  console.log(describe(result));
  console.log(`time: ${ms.toFixed(1)} ms`);
  Deno.exit(result.outcome === "bug" ? 1 : 0);
}
