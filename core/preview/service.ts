/**
 * Previews of batch outputs, rendered once: the PNG (or the reason there is none) is stored
 * in the batch's folder, `DATA_DIR/batches/<id>/previews/<key>.png|.txt`, and goes when the
 * batch goes. The key hashes the file's path, a version of the stored output (its inode,
 * mtime and size: a replacing upload is renamed into place, so it changes) and the size of
 * the preview, so a replaced file gets a new preview; the key doubles as the HTTP ETag. Requests
 * for a key being rendered wait for that rendering instead of starting another.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { type PreviewRunner, type RenderOutcome } from "./runner.ts";

/** Longest side of each preview size, in pixels. */
export const PREVIEW_SIZES = { thumb: 256, large: 1024 } as const;
/** A preview size by name. */
export type PreviewSize = keyof typeof PREVIEW_SIZES;

/** Which preview: the batch folder, the file's path, its stored output and that's version. */
export interface PreviewRequest {
  readonly batchDir: string;
  readonly path: string;
  /** Identifies the output's content (see {@link outputVersion}). */
  readonly version: string;
  readonly output: string;
  readonly size: PreviewSize;
}

/** A stored output's version: inode, modification time and size. */
export async function outputVersion(output: string): Promise<string> {
  const s = await Deno.stat(output);
  return `${s.ino ?? 0}:${s.mtime?.getTime() ?? 0}:${s.size}`;
}

/**
 * A stored or fresh answer; `etag` is absent when the answer may change (a time-out, a
 * failure), and `failure` names an unexpected error's class for the log (never its message).
 */
export type PreviewAnswer =
  | { readonly kind: "png"; readonly png: Uint8Array; readonly etag: string }
  | {
    readonly kind: "none";
    readonly reason: string;
    readonly etag?: string;
    readonly failure?: string;
  };

/** Renders through a {@link PreviewRunner} and keeps the results on disk. */
export class PreviewService {
  readonly #runner: PreviewRunner;
  readonly #inFlight = new Map<string, Promise<PreviewAnswer>>();

  constructor(runner: PreviewRunner) {
    this.#runner = runner;
  }

  /** The ETag of a request's preview, known without reading or rendering anything. */
  etagOf(req: Omit<PreviewRequest, "batchDir" | "output">): string {
    const h = createHash("sha256").update(`${req.path}\0${req.version}\0${req.size}`);
    return h.digest("hex").slice(0, 32);
  }

  /** The preview, from disk when rendered before. */
  get(req: PreviewRequest): Promise<PreviewAnswer> {
    const key = `${req.batchDir}\0${this.etagOf(req)}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const answer = this.#load(req).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, answer);
    return answer;
  }

  /** Stops the runner (server shutdown). */
  close(): void {
    this.#runner.close();
  }

  async #load(req: PreviewRequest): Promise<PreviewAnswer> {
    const etag = this.etagOf(req);
    const base = join(req.batchDir, "previews", etag);
    const png = await Deno.readFile(`${base}.png`).catch(() => undefined);
    if (png) return { kind: "png", png, etag };
    const reason = await Deno.readTextFile(`${base}.txt`).catch(() => undefined);
    if (reason !== undefined) return { kind: "none", reason, etag };
    const outcome = await this.#runner.render(req.output, { maxSize: PREVIEW_SIZES[req.size] });
    const answer = answerOf(outcome, etag);
    if (answer.etag) await store(base, answer);
    return answer;
  }
}

function answerOf(outcome: RenderOutcome, etag: string): PreviewAnswer {
  if (outcome.ok) return { kind: "png", png: outcome.png, etag };
  if ("reason" in outcome) {
    return { kind: "none", reason: outcome.reason, ...(outcome.lasting ? { etag } : {}) };
  }
  // Deleted with its batch while queued: nothing went wrong, nothing to log.
  if (outcome.failure === "NotFound") {
    return { kind: "none", reason: "the file is no longer stored" };
  }
  return { kind: "none", reason: "the preview could not be made", failure: outcome.failure };
}

/** Writes under a temporary name and renames, so a reader never sees half a file. */
async function store(base: string, answer: PreviewAnswer): Promise<void> {
  const target = answer.kind === "png" ? `${base}.png` : `${base}.txt`;
  const tmp = `${target}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(join(base, ".."), { recursive: true, mode: 0o700 });
    if (answer.kind === "png") await Deno.writeFile(tmp, answer.png, { mode: 0o600 });
    else await Deno.writeTextFile(tmp, answer.reason, { mode: 0o600 });
    await Deno.rename(tmp, target);
  } catch {
    // Caching is an optimization: a full disk or a batch deleted meanwhile only costs a re-render.
    await Deno.remove(tmp).catch(() => {});
  }
}
