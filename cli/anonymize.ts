/**
 * The `anonymize` command (alias `dicom-anonymizer`): validate everything, plan, run the pool,
 * publish outputs, report. Returns the exit status: 0 all DICOM files done, 1 some failed,
 * 2 usage error.
 */
import { type AnonymizeArgs, parseAnonymizeArgs, UsageError } from "./args.ts";
import { removeQuietly, writeTextAtomic } from "./atomic.ts";
import { type DeidSetup, setupDeid } from "./deid_setup.ts";
import { type Plan, planRun } from "./plan.ts";
import { runTasks } from "./pool.ts";
import { Progress } from "./progress.ts";
import { RunSummary } from "./summary.ts";
import type { FileResult } from "./task.ts";
import { helpText, VERSION, versionText } from "./usage.ts";
import { UnsafeZipError } from "./zip_source.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 }; // exit status 128 + n, as shells report it

/** Runs the command with the arguments after the sub-command name; resolves to the exit status. */
export async function anonymize(argv: readonly string[]): Promise<number> {
  const say = (line: string) => console.error(line);
  try {
    const args = parseAnonymizeArgs(argv);
    if (args.help) return console.log(helpText()), 0;
    if (args.version) return console.log(versionText()), 0;
    const setup = await setupDeid(args);
    const plan = await planRun({
      input: args.input!,
      output: args.output!,
      renameUid: args.rename === "uid",
      overwrite: args.overwrite,
      copyNonDicom: args.copyNonDicom,
      dryRun: args.dryRun,
      allowOutputInsideInput: args.allowOutputInsideInput,
      shard: args.shard,
    });
    // Option-only modules (pseudonym KV, manifest signing, ZIP output) load when asked for.
    const pseudonymNote = args.pseudonyms === "sequential"
      ? await (await import("./pseudonym_prepass.ts")).assignPseudonyms(args, setup, plan)
      : undefined;
    if (pseudonymNote && !args.quiet) say(pseudonymNote);
    return await execute(args, setup, plan);
  } catch (err) {
    if (err instanceof UsageError) return say(`error: ${err.message}`), 2;
    if (err instanceof UnsafeZipError) return say(`error: ${err.message}`), 1;
    // I/O trouble outside any one file (OUT not writable, disk full while zipping): the
    // message names paths only.
    return say(`error: ${err instanceof Error ? `${err.name}: ${err.message}` : err}`), 1;
  }
}

async function execute(args: AnonymizeArgs, setup: DeidSetup, plan: Plan): Promise<number> {
  const total = plan.tasks.reduce((n, t) => n + t.size, 0);
  const mode = args.quiet ? "off" : Deno.stderr.isTerminal() ? "tty" : "lines";
  const progress = new Progress(mode, plan.tasks.length, total);
  const summary = new RunSummary();
  const manifests = args.manifest === undefined ? undefined : await import("./manifest_run.ts");
  const manifest = await manifests?.RunManifest.open(args, setup);
  if (manifest) plan.tasks.forEach((t) => (t.manifest = true));
  const manifestNotes = manifests?.RunManifest.notes(args, manifest) ?? [];
  const notes = [setup.keyNote, ...plan.notes, ...manifestNotes];
  if (!args.quiet) notes.forEach((n) => progress.message(n));
  const sink = plan.zip && !args.dryRun
    ? new (await import("./zip_sink.ts")).ZipSink(plan.zip.path, plan.zip.spoolDir)
    : undefined;
  if (plan.outDir && !args.dryRun) await Deno.mkdir(plan.outDir, { recursive: true });
  await sink?.start();
  const pending = new Set(plan.tasks.map((t) => t.id));
  const start = performance.now();

  let chain = Promise.resolve();
  const settle = async (r: FileResult) => {
    pending.delete(r.id);
    if (sink && r.spool && !(await sink.add(r.output!, r.spool))) {
      r = { ...r, status: "failed", error: `duplicate output name ${r.output} in the ZIP` };
    }
    summary.add(r);
    await manifest?.add(r);
    progress.done(r.id, r.bytes);
    if (r.status === "failed") progress.message(`error: ${r.rel}: ${r.error}`);
    if (r.status === "dicomdir") progress.message(`skipped: ${r.rel}: ${r.error}`);
    if (r.status === "held-back") progress.message(`held back: ${r.rel}: ${r.error}`);
    for (const w of r.warnings ?? []) if (summary.warn(w)) progress.message(`warning: ${w}`);
  };
  const run = runTasks(plan.tasks, {
    jobs: args.jobs ?? navigator.hardwareConcurrency,
    config: setup.config,
    reportTags: args.report !== undefined || args.dryRun,
    onReply: (reply) => {
      if (reply.type === "progress") return progress.update(reply.id, reply.bytes);
      chain = chain.then(() => settle(reply.result));
    },
  });

  const onSignal = async (signal: typeof SIGNALS[number]) => {
    run.stop();
    progress.message("interrupted: removing partial outputs");
    for (const t of plan.tasks) {
      if (pending.has(t.id) && t.output.kind !== "none") await removeQuietly(t.output.partial);
    }
    await sink?.abort();
    await manifest?.abort();
    Deno.exit(128 + SIGNAL_NUMBERS[signal]);
  };
  const listeners = SIGNALS.map((s) => [s, () => onSignal(s)] as const);
  listeners.forEach(([s, f]) => Deno.addSignalListener(s, f));
  try {
    await run.done;
    await chain;
    await sink?.finish(args.overwrite);
    await manifest?.finish();
  } catch (err) {
    await sink?.abort();
    await manifest?.abort();
    throw err;
  } finally {
    listeners.forEach(([s, f]) => Deno.removeSignalListener(s, f));
  }

  const seconds = (performance.now() - start) / 1000;
  progress.finish();
  const t = summary.totals(seconds);
  if (t.ok + t.failed + t.dicomdir + t.heldBack === 0) {
    progress.message(`warning: no DICOM files found in ${args.input}`);
  }
  const meta = {
    tool: "deid",
    version: VERSION,
    dryRun: args.dryRun,
    profile: setup.deid.profile,
    keyFingerprint: setup.fingerprint,
  };
  if (args.report) {
    await writeTextAtomic(
      args.report,
      JSON.stringify(summary.report(meta, seconds), null, 2) + "\n",
    );
  }
  if (args.json) console.log(JSON.stringify(summary.json(meta, seconds), null, 2));
  if (!args.quiet) summary.lines(seconds, args.dryRun).forEach((l) => progress.message(l));
  if (!args.quiet && manifest) progress.message(`manifest: ${args.manifest}`);
  return summary.exitCode;
}
