/**
 * Runs one command as a subprocess and records its wall time and peak RSS.
 *
 * Peak RSS is the larger of two readings: GNU `/usr/bin/time -f %M` (exact, the largest single
 * process among the command and the children it waited for), and the sum of VmRSS over the
 * live process tree sampled every 20 ms (catches concurrent workers, which `%M` cannot add up).
 * Without `/usr/bin/time` only the sampling (plus each process's last seen VmHWM) is used.
 */

/** Wall time, peak RSS and outcome of one command. */
export interface Measurement {
  seconds: number;
  peakRssMb: number;
  ok: boolean;
  /** The last lines of stderr when the command failed, for the report. */
  error?: string;
}

const GNU_TIME = "/usr/bin/time";
const POLL_MS = 20;

const HAS_GNU_TIME = await Deno.stat(GNU_TIME).then(() => true, () => false);

/** Maps pid to parent pid for every process visible in /proc. */
async function parentPids(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    // Field 4 of /proc/PID/stat, counted after the parenthesised command name.
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (rest.length > 1) parents.set(pid, Number(rest[1]));
  }
  return parents;
}

/** The pids below `root` (not `root` itself), found through their parent links. */
function descendants(root: number, parents: Map<number, number>): number[] {
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(root);
  return [...found];
}

/** VmRSS and VmHWM of one process in kB, or null once it has exited. */
async function memoryKb(
  pid: number,
): Promise<{ rss: number; hwm: number } | null> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  const rss = /^VmRSS:\s+(\d+)/m.exec(status);
  const hwm = /^VmHWM:\s+(\d+)/m.exec(status);
  return rss && hwm ? { rss: Number(rss[1]), hwm: Number(hwm[1]) } : null;
}

/** Runs `argv` (stdout discarded) and measures it; never throws for a failing command. */
export async function measureCommand(argv: string[]): Promise<Measurement> {
  const timeFile = HAS_GNU_TIME ? await Deno.makeTempFile({ prefix: "bench-time-" }) : "";
  const full = HAS_GNU_TIME ? [GNU_TIME, "-f", "%M", "-o", timeFile, ...argv] : argv;
  const started = performance.now();
  const child = new Deno.Command(full[0], {
    args: full.slice(1),
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const done = child.output();
  let running = true;
  let peakKb = 0;
  const poller = (async () => {
    while (running) {
      const pids = descendants(child.pid, await parentPids());
      if (!HAS_GNU_TIME) pids.push(child.pid);
      let sum = 0;
      for (const pid of pids) {
        const mem = await memoryKb(pid);
        if (!mem) continue;
        sum += mem.rss;
        peakKb = Math.max(peakKb, mem.hwm);
      }
      peakKb = Math.max(peakKb, sum);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  const out = await done;
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await poller;
  if (HAS_GNU_TIME) {
    const text = await Deno.readTextFile(timeFile);
    await Deno.remove(timeFile);
    // On failure GNU time writes "Command exited with non-zero status N" before %M.
    const kb = Number(text.trim().split("\n").at(-1));
    if (Number.isFinite(kb)) peakKb = Math.max(peakKb, kb);
  }
  // Deno errors end in a RUST_BACKTRACE dump; the message is above it.
  const stderr = new TextDecoder().decode(out.stderr).split("Stack backtrace:")[0].trim();
  return {
    seconds,
    peakRssMb: peakKb / 1024,
    ok: out.success,
    ...(out.success
      ? {}
      : { error: stderr.split("\n").slice(-3).join(" / ") || `exit ${out.code}` }),
  };
}
