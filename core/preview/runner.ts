/**
 * Runs renderings in one Web Worker, one at a time, each with a hard time limit: past it the
 * worker is terminated (a hostile or huge file cannot hold it) and the next job gets a fresh
 * one. An idle worker is let go after a while. Without the worker module beside this file
 * (`deno bundle` output), renderings run in the calling thread with the deadline check only.
 */
import { PreviewUnavailableError } from "./errors.ts";
import { type RenderOptions, renderPreviewFile } from "./render.ts";

/** A job sent to the worker. */
export interface RunnerRequest {
  readonly id: number;
  readonly path: string;
  readonly options: RenderOptions;
}

/** What a rendering ended with: a PNG, a reason for none, or an unexpected failure's name. */
export type RenderOutcome =
  | { readonly ok: true; readonly png: Uint8Array }
  | { readonly ok: false; readonly reason: string; readonly lasting: boolean }
  | { readonly ok: false; readonly failure: string };

/** A worker's answer to a {@link RunnerRequest}. */
export type RunnerReply = RenderOutcome & { readonly id: number };

/** Options of {@link PreviewRunner}. */
export interface RunnerOptions {
  /** Hard limit per rendering (default 20 s); the worker is terminated past it. */
  readonly timeoutMs?: number;
  /** An idle worker is terminated after this long (default 30 s). */
  readonly idleMs?: number;
  /** False runs in the calling thread (default: a worker when the module is there). */
  readonly useWorker?: boolean;
  /** Jobs waiting beyond this are refused at once as "busy" (default 100). */
  readonly maxQueue?: number;
}

const WORKER_URL = new URL("./render_worker.ts", import.meta.url);

/** True when the worker module can be loaded (not so in a `deno bundle` output). */
function workerAvailable(): boolean {
  try {
    return Deno.statSync(WORKER_URL).isFile;
  } catch {
    return false;
  }
}

interface Job {
  readonly path: string;
  readonly options: RenderOptions;
  readonly resolve: (outcome: RenderOutcome) => void;
}

/** Serializes renderings through one worker with a time limit each. */
export class PreviewRunner {
  readonly #timeoutMs: number;
  readonly #idleMs: number;
  readonly #useWorker: boolean;
  readonly #maxQueue: number;
  readonly #queue: Job[] = [];
  #worker?: Worker;
  #busy = false;
  #nextId = 0;
  #idleTimer?: ReturnType<typeof setTimeout>;
  /** Ends the running job at once (used by close()). */
  #abort?: () => void;
  #closed = false;

  constructor(opts: RunnerOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 20_000;
    this.#idleMs = opts.idleMs ?? 30_000;
    this.#useWorker = opts.useWorker ?? workerAvailable();
    this.#maxQueue = opts.maxQueue ?? 100;
  }

  /** Renders `path` (a PNG or the reason there is none); never rejects. */
  render(path: string, options: Omit<RenderOptions, "deadline">): Promise<RenderOutcome> {
    if (this.#closed) return Promise.resolve({ ok: false, failure: "RunnerClosed" });
    if (this.#queue.length >= this.#maxQueue) {
      return Promise.resolve({
        ok: false,
        reason: "the server is busy, try again",
        lasting: false,
      });
    }
    return new Promise((resolve) => {
      this.#queue.push({ path, options, resolve });
      this.#next();
    });
  }

  /** Terminates the worker; queued jobs end as failures. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.#abort?.();
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const job of this.#queue.splice(0)) job.resolve({ ok: false, failure: "RunnerClosed" });
  }

  #next(): void {
    if (this.#busy || this.#closed) return;
    const job = this.#queue.shift();
    if (!job) {
      clearTimeout(this.#idleTimer);
      const timer = setTimeout(() => this.#retire(), this.#idleMs);
      Deno.unrefTimer(timer);
      this.#idleTimer = timer;
      return;
    }
    clearTimeout(this.#idleTimer);
    this.#busy = true;
    const finish = (outcome: RenderOutcome) => {
      this.#busy = false;
      job.resolve(outcome);
      this.#next();
    };
    const options = { ...job.options, deadline: Date.now() + this.#timeoutMs };
    if (this.#useWorker) this.#inWorker(job.path, options, finish);
    else inThread(job.path, options).then(finish);
  }

  #inWorker(path: string, options: RenderOptions, finish: (o: RenderOutcome) => void): void {
    const worker = this.#worker ??= new Worker(WORKER_URL, { type: "module" });
    const id = ++this.#nextId;
    const done = (outcome: RenderOutcome) => {
      clearTimeout(timer);
      this.#abort = undefined;
      worker.onmessage = worker.onerror = null;
      finish(outcome);
    };
    this.#abort = () => done({ ok: false, failure: "RunnerClosed" });
    const timer = setTimeout(() => {
      this.#retire();
      const seconds = this.#timeoutMs / 1000;
      done({ ok: false, reason: `rendering took longer than ${seconds} s`, lasting: false });
    }, this.#timeoutMs);
    worker.onmessage = ({ data }: MessageEvent<RunnerReply>) => {
      if (data.id !== id) return;
      const { id: _, ...outcome } = data;
      done(outcome as RenderOutcome);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this.#retire();
      done({ ok: false, failure: "WorkerCrashed" });
    };
    worker.postMessage({ id, path, options } satisfies RunnerRequest);
  }

  /** Terminates the current worker; the next job starts a new one. */
  #retire(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}

async function inThread(path: string, options: RenderOptions): Promise<RenderOutcome> {
  try {
    return { ok: true, png: await renderPreviewFile(path, options) };
  } catch (err) {
    if (err instanceof PreviewUnavailableError) {
      return { ok: false, reason: err.message, lasting: err.lasting };
    }
    return { ok: false, failure: (err as Error)?.name ?? "Error" };
  }
}
