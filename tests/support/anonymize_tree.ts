/** Runs the engine over a folder in-process (the CLI's job, without its flags), for tests. */
import { pipeFile } from "../../cli/pipe_file.ts";
import { createDeidentifier, type DeidConfig } from "../../core/deid/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";

/** A fixed test key: outputs are reproducible across runs. */
export const TEST_KEY = new TextEncoder().encode("test-key-0123456789abcdef");

/** Anonymizes every `.dcm` under `inDir` into the same relative path under `outDir`. */
export async function anonymizeTree(
  inDir: string,
  outDir: string,
  config: Omit<DeidConfig, "key">,
): Promise<number> {
  const deid = createDeidentifier({ ...config, key: TEST_KEY });
  let count = 0;
  async function walk(rel: string): Promise<void> {
    for await (const entry of Deno.readDir(`${inDir}/${rel}`)) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(child);
      else if (entry.name.endsWith(".dcm")) {
        await Deno.mkdir(`${outDir}/${rel}`, { recursive: true });
        using input = await Deno.open(`${inDir}/${child}`);
        using output = await Deno.open(`${outDir}/${child}`, {
          write: true,
          create: true,
          truncate: true,
        });
        await pipeFile(input, output, deid.start().pipeline);
        count++;
      }
    }
  }
  await walk("");
  return count;
}

/** Anonymizes bytes in memory with a configuration; returns the output bytes. */
export function anonymizeBytes(bytes: Uint8Array, config: Omit<DeidConfig, "key">): Uint8Array {
  const job = createDeidentifier({ ...config, key: TEST_KEY }).start();
  return concat([...job.pipeline.push(bytes), ...job.pipeline.finish()]).slice();
}

/** Makes a synthetic PHI-laden study with make_corpus.py; returns its folder. */
export async function makeStudy(dir: string, args: string[] = []): Promise<string> {
  const script = new URL("../tools/make_corpus.py", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [script, dir, "-q", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`make_corpus.py failed: ${new TextDecoder().decode(stderr)}`);
  return dir;
}

/** Runs phi_check.py; returns its hit lines and the summary line. */
export async function phiCheck(
  study: string,
  outDir: string,
  skip: string[] = [],
): Promise<{ hits: string[]; summary: string }> {
  const script = new URL("../tools/phi_check.py", import.meta.url).pathname;
  const args = [
    script,
    `${study}/phi.json`,
    outDir,
    ...(skip.length ? ["--skip", skip.join(",")] : []),
  ];
  const { stdout } = await new Deno.Command("/usr/bin/python3", { args, stdout: "piped" }).output();
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  return { hits: lines.filter((l) => l.startsWith("LEAK")), summary: lines[lines.length - 1] };
}
