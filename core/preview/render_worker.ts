/**
 * Web Worker entry of the preview runner: renders one file at a time and replies with the PNG
 * (transferred) or the reason there is none. A worker, so pixel loops and a WebAssembly decoder
 * never block the server's event loop, and the runner can terminate one that overruns.
 */
import { PreviewUnavailableError } from "./errors.ts";
import { renderPreviewFile } from "./render.ts";
import type { RunnerReply, RunnerRequest } from "./runner.ts";

// The project's lib is deno.window; a worker's global scope has postMessage(message) instead.
const scope = self as unknown as {
  postMessage(message: RunnerReply, transfer?: Transferable[]): void;
  onmessage: (event: MessageEvent<RunnerRequest>) => void;
};

scope.onmessage = async ({ data }) => {
  try {
    const png = await renderPreviewFile(data.path, data.options);
    scope.postMessage({ id: data.id, ok: true, png }, [png.buffer]);
  } catch (err) {
    scope.postMessage(
      err instanceof PreviewUnavailableError
        ? { id: data.id, ok: false, reason: err.message, lasting: err.lasting }
        : { id: data.id, ok: false, failure: (err as Error)?.name ?? "Error" },
    );
  }
};
