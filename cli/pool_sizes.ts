/** How the worker pool batches its work; shared by the pool and its workers. */

/** Files in flight per worker (or in the main thread): enough to hide open/close latency. */
export const FILES_IN_FLIGHT = 4;

/** Results a worker gathers into one message. */
export const RESULT_BATCH = 16;

/** Most tasks in one message to a worker, and most bytes (a big file goes alone). */
export const TASK_BATCH = 32;
export const TASK_BATCH_BYTES = 4 * 1024 * 1024;
