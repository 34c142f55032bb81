/**
 * Turns IN and OUT into a list of file tasks: what kind each path is, where every output goes,
 * and the refusals that must happen before any file is touched (OUT is IN, OUT inside IN,
 * outputs that exist without --overwrite).
 */
import { basename, dirname, join, resolve, sep } from "node:path";
import { UsageError } from "./args.ts";
import { exists, partialPath, randomSuffix } from "./atomic.ts";
import { formatShard, inShard, type Shard } from "./shard.ts";
import type { FileTask, TaskOutput } from "./task.ts";
import { walkFiles } from "./walk.ts";
import { ZipArchive } from "./zip_source.ts";

/** What the command was asked to do, as far as paths go. */
export interface PlanRequest {
  input: string;
  output: string;
  renameUid: boolean;
  overwrite: boolean;
  copyNonDicom: boolean;
  dryRun: boolean;
  allowOutputInsideInput: boolean;
  /** Keep only this shard's files; outputs keep the paths an unsharded run would give them. */
  shard?: Shard;
}

/** The planned run. */
export interface Plan {
  tasks: FileTask[];
  /** Set when OUT is a ZIP: the archive and the hidden folder its entries are spooled in. */
  zip?: { path: string; spoolDir: string };
  /** Set when OUT is a folder: created before the run, even if no file ends up in it. */
  outDir?: string;
  /** Things to tell the user before starting (paths only). */
  notes: string[];
}

const isZip = (p: string) => /\.zip$/i.test(p);

/** Plans the run; throws {@link UsageError} for every refusal, before anything is written. */
export async function planRun(req: PlanRequest): Promise<Plan> {
  const inInfo = await Deno.stat(req.input).catch(() => {
    throw new UsageError(`IN not found: ${req.input}`);
  });
  const inReal = await Deno.realPath(req.input);
  const outAbs = await realish(req.output);
  if (outAbs === inReal) throw new UsageError("OUT is the same path as IN");
  const outInside = inInfo.isDirectory && outAbs.startsWith(inReal + sep);
  if (outInside && !req.allowOutputInsideInput) {
    throw new UsageError("OUT is inside IN (pass --allow-output-inside-input to allow it)");
  }
  const outInfo = await Deno.stat(req.output).catch(() => undefined);
  const notes: string[] = [];
  let sources: { source: FileTask["source"]; rel: string; size: number }[];
  if (inInfo.isDirectory) {
    const files = await walkFiles(inReal, {
      exclude: outInside ? [outAbs] : [],
      onSkippedLink: (rel) => notes.push(`${rel}: symlinked folder not followed`),
    });
    sources = files.map((f) => ({
      source: { kind: "file", path: f.path },
      rel: f.rel,
      size: f.size,
    }));
  } else if (isZip(req.input)) {
    const archive = await ZipArchive.open(inReal);
    try {
      sources = archive.list(req.input).map(({ entry, rel }) => ({
        source: {
          kind: "zip",
          zip: inReal,
          entry: entry.filename,
          compressedSize: entry.compressedSize,
        },
        rel,
        size: entry.uncompressedSize,
      }));
    } finally {
      await archive.close();
    }
  } else {
    sources = [{
      source: { kind: "file", path: inReal },
      rel: basename(req.input),
      size: inInfo.size,
    }];
  }

  if (req.shard) {
    const all = sources.length;
    const shard = req.shard;
    sources = sources.filter((s) => inShard(s.rel, shard));
    notes.push(`shard ${formatShard(shard)}: ${sources.length} of ${all} file(s)`);
  }

  const single = !inInfo.isDirectory && !isZip(req.input);
  const outIsDir = !isZip(req.output) &&
    (!single || outInfo?.isDirectory || /[/\\]$/.test(req.output) || req.renameUid);
  if (outInfo && !outInfo.isDirectory && outIsDir) {
    throw new UsageError(`OUT must be a folder for this input: ${req.output} is a file`);
  }
  const zip = isZip(req.output)
    ? {
      path: outAbs,
      spoolDir: join(dirname(outAbs), `.${basename(outAbs)}.spool-${randomSuffix()}`),
    }
    : undefined;
  const tasks = sources.map(({ source, rel, size }, id): FileTask => {
    let output: TaskOutput = { kind: "none" };
    if (req.dryRun) return task(id, source, rel, size, output, req);
    if (zip) output = { kind: "spool", partial: join(zip.spoolDir, `${id}.dcm`) };
    else {
      const final = outIsDir ? join(outAbs, ...rel.split("/")) : outAbs;
      const name = req.renameUid ? null : basename(final);
      output = { kind: "dir", dir: dirname(final), name, partial: partialPath(final) };
    }
    return task(id, source, rel, size, output, req);
  });
  if (!req.dryRun && !req.overwrite) await refuseExisting(tasks, zip?.path);
  return { tasks, zip, notes, outDir: outIsDir ? outAbs : undefined };
}

function task(
  id: number,
  source: FileTask["source"],
  rel: string,
  size: number,
  output: TaskOutput,
  req: PlanRequest,
): FileTask {
  const { renameUid, overwrite, copyNonDicom } = req;
  return { id, source, rel, size, output, renameUid, overwrite, copyNonDicom };
}

/** OUT made absolute, with symlinks resolved as far as it exists (it may not yet). */
async function realish(path: string): Promise<string> {
  const abs = resolve(path);
  const parent = dirname(abs);
  if (parent === abs) return abs;
  try {
    return await Deno.realPath(abs);
  } catch {
    return join(await realish(parent), basename(abs));
  }
}

/** Refuses the run when outputs with known names exist already (`--rename uid` checks later). */
async function refuseExisting(tasks: FileTask[], zipPath?: string): Promise<void> {
  if (zipPath !== undefined) {
    if (await exists(zipPath)) {
      throw new UsageError(`${zipPath} exists (pass --overwrite to replace it)`);
    }
    return;
  }
  const found: string[] = [];
  for (const t of tasks) {
    if (t.output.kind !== "dir" || t.output.name === null) continue;
    const final = join(t.output.dir, t.output.name);
    if (await exists(final)) found.push(final);
  }
  if (found.length) {
    const more = found.length > 1 ? ` and ${found.length - 1} more` : "";
    throw new UsageError(`${found[0]}${more} already exist(s) (pass --overwrite to replace)`);
  }
}
