/**
 * The load pattern shared by load_test.ts (seconds) and bench/load.ts (minutes): streaming
 * uploads to `POST /api/anonymize` and batch uploads (create, PUT files a few at a time, ZIP
 * download), with every output written to disk so dcmdump and phi_check can judge it.
 */
import { Buffer } from "node:buffer";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { send } from "./_util.ts";

/** An input file: its path relative to its study folder, and its bytes. */
export interface LoadFile {
  readonly rel: string;
  readonly bytes: Uint8Array;
}

/** Reads every `.dcm` under `study` (relative paths with `/`). */
export async function readStudy(study: string): Promise<LoadFile[]> {
  const out: LoadFile[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(study, rel))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(child);
      else if (e.name.endsWith(".dcm")) {
        out.push({ rel: child, bytes: await Deno.readFile(join(study, child)) });
      }
    }
  };
  await walk("");
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** Writes `bytes` to `dir/rel`, creating folders. */
export async function writeOut(dir: string, rel: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
  await Deno.writeFile(join(dir, rel), bytes);
}

/** One streaming round trip; throws unless the answer is a complete 200. */
export async function streamOnce(url: string, auth: Record<string, string>, file: LoadFile) {
  const a = await send(`${url}/api/anonymize`, "POST", auth, file.bytes);
  if (a.status !== 200 || a.broken) throw new Error(`stream ${file.rel}: ${a.status}`);
  return a.body;
}

/**
 * One batch: create it, PUT every file (`inFlight` at a time), download the ZIP and return
 * its entries (relative path → bytes). Throws on any answer but the expected ones.
 */
export async function batchOnce(
  url: string,
  auth: Record<string, string>,
  files: readonly LoadFile[],
  inFlight = 4,
): Promise<Record<string, Uint8Array>> {
  const created = await fetch(`${url}/api/batches`, { method: "POST", headers: auth });
  if (created.status !== 201) throw new Error(`create batch: ${created.status}`);
  const id = (await created.json()).id as string;
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const f = files[next++];
      const path = f.rel.split("/").map(encodeURIComponent).join("/");
      const a = await send(`${url}/api/batches/${id}/files/${path}`, "PUT", auth, f.bytes);
      if (a.status !== 201) throw new Error(`PUT ${f.rel}: ${a.status}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const started = performance.now();
  let got = 0;
  let entries: Record<string, Uint8Array>;
  try {
    const zip = await fetch(`${url}/api/batches/${id}/zip`, { headers: auth });
    if (zip.status !== 200) throw new Error(`status ${zip.status}`);
    const parts: Uint8Array[] = [];
    for await (const chunk of zip.body!) parts.push(chunk), got += chunk.length;
    entries = unzipSync(new Uint8Array(Buffer.concat(parts)));
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    throw new Error(`batch ZIP download: ${(err as Error).message} after ${got} bytes, ${ms} ms`);
  }
  const del = await fetch(`${url}/api/batches/${id}`, { method: "DELETE", headers: auth });
  await del.body?.cancel();
  return entries;
}

/** Runs dcmdump on every file under `dir`, `parallel` at a time; returns the failures. */
export async function dcmdumpFailures(paths: readonly string[], parallel = 4): Promise<string[]> {
  const bad: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const p = paths[next++];
      const r = await new Deno.Command("dcmdump", {
        args: ["-q", p],
        stdout: "null",
        stderr: "piped",
      })
        .output();
      const err = new TextDecoder().decode(r.stderr).trim();
      if (r.code !== 0 || err !== "") bad.push(`${p}: ${r.code} ${err.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return bad;
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssOf(pid: number | "self"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
