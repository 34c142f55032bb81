/**
 * Runs file tasks with a fixed number of lanes: `jobs` Web Workers (the pipeline is synchronous
 * and CPU-bound, so threads scale it) with a few files in flight each (so file I/O overlaps),
 * or lanes in the main thread when one job is asked for or only one file is to be done.
 */
import { createDeidentifier } from "../core/deid/mod.ts";
import { processTask } from "./process_task.ts";
import type { FileTask, SerialConfig, WorkerReply, WorkerRequest } from "./task.ts";
import { createTaskContext } from "./task_context.ts";

/** Files in flight per worker (or in the main thread): enough to hide open/close latency. */
export const FILES_IN_FLIGHT = 4;

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
  /** Progress and results, in arrival order. */
  onReply(reply: WorkerReply): void;
}

/** A running pool: await `done`, or `stop()` it (on a signal) to abandon the rest. */
export interface PoolRun {
  done: Promise<void>;
  stop(): void;
}

/** Starts the tasks; `done` settles when every task has replied "done" (or a worker crashed). */
export function runTasks(tasks: readonly FileTask[], opts: PoolOptions): PoolRun {
  if (opts.jobs <= 1 || tasks.length <= 1 || !workerAvailable()) return runInProcess(tasks, opts);
  const workers: Worker[] = [];
  let next = 0, finished = 0;
  const stop = () => workers.forEach((w) => w.terminate());
  const done = new Promise<void>((resolve, reject) => {
    if (tasks.length === 0) return resolve();
    const send = (w: Worker) => {
      if (next < tasks.length) {
        w.postMessage({ type: "task", task: tasks[next++] } as WorkerRequest);
      }
    };
    for (let i = 0; i < Math.min(opts.jobs, tasks.length); i++) {
      const w = new Worker(WORKER_URL, { type: "module" });
      workers.push(w);
      w.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
        opts.onReply(data);
        if (data.type !== "done") return;
        if (++finished === tasks.length) {
          stop();
          resolve();
        } else send(w);
      };
      w.onerror = (e) => {
        e.preventDefault();
        stop();
        reject(new Error(`worker crashed: ${e.message}`));
      };
      w.postMessage({ type: "init", config: opts.config } as WorkerRequest);
      for (let k = 0; k < FILES_IN_FLIGHT; k++) send(w);
    }
  });
  return { done, stop };
}

/** The same scheduling in the main thread: no worker start-up cost for a single file. */
function runInProcess(tasks: readonly FileTask[], opts: PoolOptions): PoolRun {
  const deid = createDeidentifier(opts.config);
  const ctx = createTaskContext((id, bytes) => opts.onReply({ type: "progress", id, bytes }));
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
