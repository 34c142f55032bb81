/**
 * Web Worker entry of the pool: builds its own Deidentifier from the serialisable config, then
 * runs the tasks it is sent (several at once, so file I/O overlaps) and replies with results.
 */
import { createDeidentifier, type Deidentifier } from "../core/deid/mod.ts";
import { processTask } from "./process_task.ts";
import type { WorkerReply, WorkerRequest } from "./task.ts";
import { createTaskContext } from "./task_context.ts";

// The project's lib is deno.window; a worker's global scope has postMessage(message) instead.
const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: (event: MessageEvent<WorkerRequest>) => void;
};

let deid: Deidentifier | undefined;
const ctx = createTaskContext((id, bytes) => scope.postMessage({ type: "progress", id, bytes }));

scope.onmessage = async ({ data }) => {
  if (data.type === "init") {
    deid = createDeidentifier(data.config); // validated by the main thread already
    return;
  }
  const result = await processTask(deid!, data.task, ctx);
  scope.postMessage({ type: "done", result });
};
