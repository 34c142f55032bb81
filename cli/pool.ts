/**
 * Runs file tasks with a fixed number of lanes: `jobs` Web Workers (the pipeline is synchronous
 * and CPU-bound, so threads scale it) with a few files in flight each (so file I/O overlaps),
 * or lanes in the main thread when one job is asked for or only one file is to be done.
 */
import { createDeidentifier } from "../core/deid/mod.ts";
import { processTask } from "./process_task.ts";
import { FILES_IN_FLIGHT, TASK_BATCH, TASK_BATCH_BYTES } from "./pool_sizes.ts";
import type { FileTask, SerialConfig, WorkerMessage, WorkerReply, WorkerRequest } from "./task.ts";
import { createTaskContext } from "./task_context.ts";

export { FILES_IN_FLIGHT } from "./pool_sizes.ts";

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/**
 * False when the worker module is not beside this one: `deno bundle` output has no worker.ts
 * (and `deno compile` needs `--include cli/worker.ts`); the run then stays in one thread.
 */
export function workerAvailable(): boolean {
  try {
    return Deno.statSync(WORKER_URL).isFile;
  } catch {
    return false;
  }
}

/** Inputs of {@link runTasks}. */
export interface PoolOptions {
  jobs: number;
  config: SerialConfig;
  /** Whether results carry per-tag counts (see TaskContext.reportTags). */
  reportTags: boolean;
  /** Progress and results, in arrival order. */
  onReply(reply: WorkerReply): void;
}

/** A running pool: await `done`, or `stop()` it (on a signal) to abandon the rest. */
export interface PoolRun {
  done: Promise<void>;
  stop(): void;
}

/** Starts the tasks; `done` settles when every task has a result (or a worker crashed). */
export function runTasks(tasks: readonly FileTask[], opts: PoolOptions): PoolRun {
  if (opts.jobs <= 1 || tasks.length <= 1 || !workerAvailable()) return runInProcess(tasks, opts);
  const workers: Worker[] = [];
  let next = 0, finished = 0;
  const stop = () => workers.forEach((w) => w.terminate());
  const done = new Promise<void>((resolve, reject) => {
    if (tasks.length === 0) return resolve();
    // Each worker holds up to two batches, so it never waits for the main thread to refill.
    const outstanding = new Map<Worker, number>();
    const send = (w: Worker) => {
      const batch = nextBatch();
      outstanding.set(w, (outstanding.get(w) ?? 0) + batch.length);
      w.postMessage({ type: "tasks", tasks: batch } as WorkerRequest);
    };
    const refill = (w: Worker) => {
      while (outstanding.get(w)! <= TASK_BATCH && next < tasks.length) send(w);
    };
    const nextBatch = () => {
      // Smaller batches near the end (and for small runs), so no worker idles while another
      // still holds a full batch.
      const fair = Math.ceil((tasks.length - next) / (2 * workers.length));
      const count = Math.max(1, Math.min(TASK_BATCH, fair));
      const batch = [tasks[next++]];
      let bytes = batch[0].size;
      while (next < tasks.length && batch.length < count) {
        if ((bytes += tasks[next].size) > TASK_BATCH_BYTES) break;
        batch.push(tasks[next++]);
      }
      return batch;
    };
    for (let i = 0; i < Math.min(opts.jobs, tasks.length); i++) {
      const w = new Worker(WORKER_URL, { type: "module" });
      workers.push(w);
      w.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
        if (data.type === "progress") return opts.onReply(data);
        for (const result of data.results) opts.onReply({ type: "done", result });
        outstanding.set(w, outstanding.get(w)! - data.results.length);
        if ((finished += data.results.length) === tasks.length) {
          stop();
          resolve();
        } else refill(w);
      };
      w.onerror = (e) => {
        e.preventDefault();
        stop();
        reject(new Error(`worker crashed: ${e.message}`));
      };
      w.postMessage(
        { type: "init", config: opts.config, reportTags: opts.reportTags } as WorkerRequest,
      );
    }
    // Hand out the first batches only after every worker exists: each starts loading its
    // module at once, and a small run is spread over all of them.
    for (let k = 0; k < 2; k++) workers.forEach((w) => next < tasks.length && send(w));
  });
  return { done, stop };
}

/** The same scheduling in the main thread: no worker start-up cost for a single file. */
function runInProcess(tasks: readonly FileTask[], opts: PoolOptions): PoolRun {
  const deid = createDeidentifier(opts.config);
  const ctx = createTaskContext((id, bytes) => opts.onReply({ type: "progress", id, bytes }));
  ctx.reportTags = opts.reportTags;
  let next = 0, stopped = false;
  const lane = async () => {
    while (!stopped && next < tasks.length) {
      const result = await processTask(deid, tasks[next++], ctx);
      if (!stopped) opts.onReply({ type: "done", result });
    }
  };
  const lanes = Array.from({ length: Math.min(FILES_IN_FLIGHT, tasks.length) }, lane);
  const done = Promise.all(lanes).then(() => ctx.close());
  return { done, stop: () => (stopped = true) };
}
