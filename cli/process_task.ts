/**
 * De-identifies one input into its atomic output and says what happened. Runs the same way in
 * the main thread and in a worker; every failure deletes the partial output.
 */
import { posix } from "node:path";
import {
  type Deidentifier,
  DeidSkipError,
  type FileJob,
  isHeldBackReason,
} from "../core/deid/mod.ts";
import { DicomParseError } from "../core/dicom/mod.ts";
import { commitPartial, commitPartialSync, removeQuietly, removeQuietlySync } from "./atomic.ts";
import { type ChunkTransform, pipeFile, READ_SIZE, writeAll } from "./pipe_file.ts";
import type { FileResult, FileTask } from "./task.ts";
import { transformSmall } from "./small_file.ts";
import { KernelCopy } from "./kernel_copy.ts";
import { AUDIT, TaskEvidence } from "./manifest_task.ts";
import { pairsLookup } from "../core/pseudonyms/sequential.ts";
import { entryChunks, type ZipArchive } from "./zip_source.ts";

/** What a runner lends to each task: shared open archives and a progress callback. */
export interface TaskContext {
  /** The archive at `path`, opened once per runner. */
  archive(path: string): Promise<ZipArchive>;
  /** Bytes read so far for task `id`. */
  onProgress?(id: number, bytes: number): void;
  /**
   * False when nobody reads per-tag counts (no `--report`, no dry run): results then carry
   * action totals only, which saves building and cloning ~50 rows per file.
   */
  reportTags?: boolean;
  /** Creates an output's partial file (default: `Deno.open` createNew); tests inject ENOSPC. */
  openOutput?(path: string): Promise<Sink>;
}

/** Where output bytes go: a file, or nothing under `--dry-run`. */
export type Sink = { write(p: Uint8Array): Promise<number>; close(): void };
const NULL_SINK: Sink = { write: (p) => Promise.resolve(p.length), close() {} };
const IDENTITY: ChunkTransform = { push: (c) => [c], finish: () => [] };
const UID_NAME = /^[0-9.]{1,64}$/;

/** True for the parser's verdict that a file is not DICOM at all (as opposed to broken DICOM). */
export function isNotDicom(err: unknown): boolean {
  return err instanceof DicomParseError && err.offset === 0 && err.message.startsWith("Not DICOM");
}

/** Runs one task to completion; never throws (failures become a "failed" result). */
export async function processTask(
  deid: Deidentifier,
  task: FileTask,
  ctx: TaskContext,
): Promise<FileResult> {
  const base = { id: task.id, rel: task.rel, bytes: task.size };
  const sync = isSmall(task, ctx);
  const discard = (path: string) => sync ? removeQuietlySync(path) : removeQuietly(path);
  const pseudonyms = task.pseudonyms && pairsLookup(task.pseudonyms);
  const job = deid.start({ ...(task.manifest ? AUDIT : {}), pseudonyms });
  const proof = task.manifest ? new TaskEvidence(deid.config.key) : undefined;
  try {
    await transformInto(task, ctx, proof ? proof.wrap(job.pipeline) : job.pipeline);
    const report = job.report({ tags: ctx.reportTags ?? true });
    let name = plainName(task);
    if (task.renameUid) {
      name = `${report.sopInstanceUid}.dcm`;
      if (!UID_NAME.test(report.sopInstanceUid ?? "")) {
        throw new Error("no SOP Instance UID to name the output after (--rename uid)");
      }
    }
    const output = await publish(task, name, sync);
    const extra = { warnings: pathWarnings(task, job), ...proof && { evidence: proof.of(job) } };
    return { ...base, status: "ok", report, ...output, ...extra };
  } catch (err) {
    if (task.output.kind !== "none") await discard(task.output.partial);
    if (isNotDicom(err) && !task.copyNonDicom) return { ...base, status: "not-dicom" };
    if (err instanceof DeidSkipError && err.reason === "dicomdir") {
      return { ...base, status: "dicomdir", error: err.message };
    }
    if (err instanceof DeidSkipError && isHeldBackReason(err.reason)) {
      // Burned-in guard or Clean Pixel Data: no output, the original untouched (not a failure).
      return { ...base, status: "held-back", error: err.message };
    }
    if (!isNotDicom(err)) return { ...base, status: "failed", error: describe(err) };
  }
  try { // --copy-non-dicom: the bytes as they are, published the same atomic way
    const copy = task.manifest ? new TaskEvidence(deid.config.key) : undefined;
    await transformInto(task, ctx, copy ? copy.wrap(IDENTITY) : IDENTITY);
    const output = await publish(task, plainName(task), sync);
    return { ...base, status: "copied", ...output, ...copy && { evidence: copy.of() } };
  } catch (err) {
    if (task.output.kind !== "none") await discard(task.output.partial);
    return { ...base, status: "failed", error: describe(err) };
  }
}

/** Error text safe to print: codec and engine messages name tags and offsets, never values. */
function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function transformInto(task: FileTask, ctx: TaskContext, t: ChunkTransform): Promise<void> {
  const out = task.output;
  if (task.source.kind === "file" && isSmall(task, ctx)) {
    return transformSmall(task.source.path, out.kind === "none" ? undefined : out, t);
  }
  let sink = NULL_SINK;
  if (out.kind === "dir") await Deno.mkdir(out.dir, { recursive: true });
  if (out.kind !== "none") sink = await (ctx.openOutput ?? openNew)(out.partial);
  try {
    const progress = (n: number) => ctx.onProgress?.(task.id, n);
    const src = task.source;
    if (src.kind === "zip") {
      const entry = (await ctx.archive(src.zip)).entry(src.entry);
      let n = 0;
      for await (const chunk of entryChunks(entry)) {
        await writeAll(sink, t.push(chunk));
        progress(n += chunk.length);
      }
      await writeAll(sink, t.finish());
    } else if (task.size < READ_SIZE) { // one exact read: no 1 MiB buffer per small file
      await writeAll(sink, t.push(await Deno.readFile(src.path)));
      await writeAll(sink, t.finish());
    } else {
      using file = await Deno.open(src.path);
      // Pixel Data straight from file to file when the sink is a file of ours. Only here: on
      // the small-file path (slices under 1 MiB) the second descriptors and their checks cost
      // more than the copy saves (W1, 528 KB slices: 2.2–2.6 s with it, 2.1–2.5 s without).
      using kernel = sink instanceof Deno.FsFile && out.kind !== "none"
        ? KernelCopy.open(src.path, file, out.partial, sink)
        : undefined;
      await pipeFile(file, sink, t, progress, kernel);
    }
  } finally {
    sink.close();
  }
}

/**
 * Small files (the many-slices case) go through synchronous I/O: each async fs op costs more
 * than the de-identification of a 64×64 slice, and the pool's workers are threads.
 */
function isSmall(task: FileTask, ctx: TaskContext): boolean {
  return task.source.kind === "file" && task.size < READ_SIZE && !ctx.openOutput;
}

function openNew(path: string): Promise<Sink> {
  return Deno.open(path, { write: true, createNew: true });
}

/** The output's name without `--rename uid`: as planned (a named OUT file) or as the input's. */
function plainName(task: FileTask): string {
  return (task.output.kind === "dir" && task.output.name) || posix.basename(task.rel);
}

/** Renames a folder output into place; spool outputs are left for the ZIP writer. */
async function publish(task: FileTask, name: string, sync: boolean): Promise<Partial<FileResult>> {
  const out = task.output;
  const output = posix.join(posix.dirname(task.rel), name);
  if (out.kind === "dir") {
    const final = `${out.dir}/${name}`;
    if (sync) commitPartialSync(out.partial, final, task.overwrite);
    else await commitPartial(out.partial, final, task.overwrite);
  }
  return out.kind === "spool" ? { output, spool: out.partial } : { output };
}

/**
 * Warns when a folder or file name of the input equals a value the output lost (PHI in paths).
 * Names shorter than 3 characters are not checked: "M" or "a" would match codes, not people.
 */
function pathWarnings(task: FileTask, job: FileJob): string[] | undefined {
  const removed = (name: string) => name.length >= 3 && job.wasRemoved(name);
  const parts = task.rel.split("/");
  const file = parts.pop()!;
  const warnings = parts.flatMap((p, i) =>
    removed(p)
      ? [`${parts.slice(0, i + 1).join("/")}/: folder name equals a removed value; outputs keep it`]
      : []
  );
  const stem = file.replace(/\.[^.]*$/, "");
  if (!task.renameUid && (removed(file) || removed(stem))) {
    warnings.push(`${task.rel}: the file name equals a removed value (try --rename uid)`);
  }
  return warnings.length ? warnings : undefined;
}
