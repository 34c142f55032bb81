/**
 * Web Worker entry of the pool: builds its own Deidentifier from the serialisable config, then
 * runs the tasks it is sent, a few at once (so file I/O overlaps), and posts their results in
 * batches.
 */
import { createDeidentifier, type Deidentifier } from "../core/deid/mod.ts";
import { processTask } from "./process_task.ts";
import { FILES_IN_FLIGHT, RESULT_BATCH } from "./pool_sizes.ts";
import type { FileResult, FileTask, WorkerMessage, WorkerRequest } from "./task.ts";
import { createTaskContext } from "./task_context.ts";

// The project's lib is deno.window; a worker's global scope has postMessage(message) instead.
const scope = self as unknown as {
  postMessage(message: WorkerMessage): void;
  onmessage: (event: MessageEvent<WorkerRequest>) => void;
};

let deid: Deidentifier | undefined;
const ctx = createTaskContext((id, bytes) => scope.postMessage({ type: "progress", id, bytes }));
const queue: FileTask[] = [];
let running = 0;
let results: FileResult[] = [];

scope.onmessage = ({ data }) => {
  if (data.type === "init") {
    deid = createDeidentifier(data.config); // validated by the main thread already
    ctx.reportTags = data.reportTags;
    return;
  }
  queue.push(...data.tasks);
  pump();
};

function pump(): void {
  while (running < FILES_IN_FLIGHT && queue.length > 0) {
    running++;
    run(queue.shift()!);
  }
}

async function run(task: FileTask): Promise<void> {
  // Not `results.push(await …)`: that would push into the array taken before the await,
  // which an earlier flush may already have posted.
  const result = await processTask(deid!, task, ctx);
  results.push(result);
  running--;
  // Post when a batch is full, or when the queue ran dry: the pool refills on results, so
  // holding them then would leave this worker idle.
  if (results.length >= RESULT_BATCH || queue.length === 0) {
    scope.postMessage({ type: "results", results });
    results = [];
  }
  pump();
}
