/**
 * `--pseudonyms sequential` in the CLI: before the pool starts, the main thread reads ahead in
 * every input's header (core/pseudonyms/header_peek.ts), allocates the originals it finds in
 * the shared KV in plan order ("first sight"), and gives each task its resolved pairs, which
 * travel to the workers as plain data. The engine then looks pseudonyms up synchronously.
 */
import { HeaderPeek, type PeekedOriginals } from "../core/pseudonyms/header_peek.ts";
import { SequentialPseudonyms } from "../core/pseudonyms/sequential.ts";
import type { AnonymizeArgs } from "./args.ts";
import type { DeidSetup } from "./deid_setup.ts";
import { cliServerConfig, describeKv, openCliKv } from "./kv_cli.ts";
import type { Plan } from "./plan.ts";
import type { FileTask } from "./task.ts";
import { entryChunks, ZipArchive } from "./zip_source.ts";

const PEEK_READ = 64 * 1024;
/** Headers read at once: file opens overlap, allocation stays in plan order. */
const WINDOW = 16;

/**
 * Fills `task.pseudonyms` for every task when the run asks for sequential pseudonyms; returns
 * a line for the user (counts and where the KV is, never a value), or undefined.
 */
export async function assignPseudonyms(
  args: AnonymizeArgs,
  setup: DeidSetup,
  plan: Plan,
): Promise<string | undefined> {
  if (args.pseudonyms !== "sequential") return undefined;
  const config = await cliServerConfig();
  const kv = await openCliKv(config);
  const archives = new Map<string, Promise<ZipArchive>>();
  try {
    const seq = new SequentialPseudonyms({
      kv,
      key: setup.config.key,
      prefix: args.prefix!,
      keepOriginals: config.crosswalkEnabled,
    });
    for (let i = 0; i < plan.tasks.length; i += WINDOW) {
      const tasks = plan.tasks.slice(i, i + WINDOW);
      const peeked = await Promise.all(tasks.map((t) => peekTask(t, archives)));
      for (const [k, task] of tasks.entries()) {
        task.pseudonyms = await seq.resolve(peeked[k], { allocate: !args.dryRun });
      }
    }
    const what = args.dryRun ? "dry run, nothing allocated" : `${seq.allocated} new`;
    return `Pseudonyms ${args.prefix}-…: ${what} (${describeKv(config)})`;
  } finally {
    for (const a of archives.values()) await a.then((z) => z.close()).catch(() => {});
    kv.close();
  }
}

/** The originals in one input's header; nothing for unreadable or non-DICOM inputs. */
async function peekTask(task: FileTask, archives: Map<string, Promise<ZipArchive>>) {
  const peek = new HeaderPeek();
  const src = task.source;
  try {
    if (src.kind === "file") {
      using file = await Deno.open(src.path);
      const buffer = new Uint8Array(PEEK_READ);
      while (!peek.done) {
        const n = await file.read(buffer);
        if (n === null) break;
        peek.push(buffer.subarray(0, n));
      }
    } else {
      let archive = archives.get(src.zip);
      if (!archive) archives.set(src.zip, archive = ZipArchive.open(src.zip));
      for await (const chunk of entryChunks((await archive).entry(src.entry))) {
        if (peek.push(chunk)) break;
      }
    }
  } catch {
    // The file's own run reports what is wrong with it (path, tag and offset).
    return new Map() as PeekedOriginals;
  }
  peek.finish();
  return peek.originals;
}
