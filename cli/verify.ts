/**
 * The `verify` command: an independent second opinion on de-identified outputs (issue #10).
 * Returns the exit status: 0 nothing found, 1 findings (or OUT unreadable), 2 usage error.
 */
import { basename } from "node:path";
import { decodeKeyFile } from "../core/config/key_material.ts";
import { readPinnedKey } from "../core/verify/manifest_keys.ts";
import { parsePhiList } from "../core/verify/phi_patterns.ts";
import { canonicalProfile } from "../core/verify/profiles.ts";
import { verifyOutputs } from "../core/verify/verify_run.ts";
import { UsageError } from "./args.ts";
import { parseVerifyArgs, type VerifyArgs, verifyHelpText } from "./verify_args.ts";
import { findingLines, jsonReport, summaryLines } from "./verify_report.ts";
import { fileChunks, openOutputs } from "./verify_sources.ts";
import { UnsafeZipError } from "./zip_source.ts";

/** A progress line on stderr after every this many files. */
const PROGRESS_EVERY = 100;

/** Runs `verify` with the arguments after the sub-command name. */
export async function verify(argv: readonly string[]): Promise<number> {
  const say = (line: string) => console.error(line);
  try {
    const args = parseVerifyArgs(argv);
    if (args.help) return console.log(verifyHelpText()), 0;
    return await run(args);
  } catch (err) {
    if (err instanceof UsageError) return say(`error: ${err.message}`), 2;
    if (err instanceof UnsafeZipError) return say(`error: ${err.message}`), 1;
    // I/O trouble outside any one check (an output vanished mid-run): names paths only.
    return say(`error: ${err instanceof Error ? `${err.name}: ${err.message}` : err}`), 1;
  }
}

async function run(args: VerifyArgs): Promise<number> {
  const usage = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new UsageError(`${what}: ${(err as Error).message}`);
    }
  };
  const profile = usage(
    "--profile/--option",
    () => canonicalProfile(args.profile ?? "dicomfields_2023", args.options),
  );
  const pinnedKey = args.publicKey
    ? usage("--public-key", () => readPinnedKey(readText(args.publicKey!, "--public-key")))
    : undefined;
  const deidKey = args.keyFile
    ? usage(
      "--key-file",
      () => decodeKeyFile(readBytes(args.keyFile!, "--key-file"), args.keyFile!),
    )
    : undefined;
  const phi = args.phiList ? parsePhiList(readText(args.phiList, "--phi-list")) : undefined;
  if (args.manifest) readBytes(args.manifest, "--manifest", true);
  const exclude = [args.manifest, args.phiList, args.keyFile, args.publicKey]
    .filter((p): p is string => p !== undefined);
  const { outputs, close } = await openOutputs(args.out, exclude);
  const start = performance.now();
  const lines = !args.quiet && !args.json;
  try {
    const result = await verifyOutputs({
      outputs,
      manifest: args.manifest
        ? { name: basename(args.manifest), open: () => fileChunks(args.manifest!) }
        : undefined,
      pinnedKey,
      deidKey,
      phiStrings: phi?.strings,
      profile,
      pseudonyms: args.pseudonyms,
      onProgress: (done, findings) => {
        if (!args.quiet && done % PROGRESS_EVERY === 0 && done < outputs.length) {
          console.error(`verify: ${done}/${outputs.length} files, ${findings} finding(s)`);
        }
      },
    });
    if (phi?.skipped) {
      result.notes.push(`--phi-list: ${phi.skipped} line(s) under 2 characters ignored`);
    }
    const seconds = (performance.now() - start) / 1000;
    if (args.json) console.log(jsonReport(result, seconds));
    else findingLines(result).forEach((l) => console.log(l));
    if (lines) summaryLines(result, seconds).forEach((l) => console.error(l));
    return result.findings.total === 0 ? 0 : 1;
  } finally {
    await close();
  }
}

/** A named input file's text; a missing file is a usage error naming the flag and path. */
function readText(path: string, flag: string): string {
  return new TextDecoder().decode(readBytes(path, flag));
}

function readBytes(path: string, flag: string, statOnly = false): Uint8Array {
  try {
    if (statOnly) return Deno.statSync(path), new Uint8Array(0);
    return Deno.readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(err as Error).name}`);
  }
}
