/**
 * STOW-RS ingest vs the batch upload it shares its storage path with, in one run on loopback:
 * the 1 GiB multi-frame file (W2) as the single part of `POST /dicomweb/studies` (raw
 * node:http handler, multipart split in-process) and as `PUT /api/batches/:id/files/…` (the
 * Hono route through @hono/node-server), plus `cp` of the file to the same disk. Both routes
 * anonymize into DATA_DIR. Then W3's 6,000 small files as one request vs one PUT each, and
 * the splitter alone over the 1 GiB file's bytes in memory.
 *   deno run -A bench/stow.ts [--runs 3]      (prints Markdown tables; needs bench/work/mf1g and w3)
 */
import { parseArgs } from "node:util";
import { MultipartParser } from "../core/net/multipart_related.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WORK = `${ROOT}bench/work/`;
const TOKEN = "bench-token-not-secret";
const B = "bench-stow-boundary";
const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);

const file = `${WORK}mf1g/mf_1G.dcm`; // made by `./dev bench` (W2)
const size = (await Deno.stat(file)).size;

/** A server subprocess on a fresh DATA_DIR; `stop()` returns its peak RSS in MB. */
async function startServer() {
  const dataDir = await Deno.makeTempDir({ dir: WORK, prefix: "stow-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-semi-space-size=2", `${ROOT}main.ts`, "serve"],
    env: {
      DATA_DIR: dataDir,
      API_TOKENS: TOKEN,
      ADMIN_PASSWORD: "bench-pw",
      LOG_LEVEL: "warn",
      PORT: "0",
    },
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/Listening on http:\/\/[^:]+:(\d+)\//.test(text)) {
    const r = await reader.read();
    if (r.done) throw new Error("server exited");
    text += r.value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const port = Number(text.match(/:(\d+)\//)![1]);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dataDir, { recursive: true });
      return Math.round(Number(status.match(/VmHWM:\s+(\d+)/)![1]) / 1024);
    },
  };
}

/** Runs a shell command; returns seconds and its stdout. */
async function timed(script: string, ...args: string[]) {
  const t0 = performance.now();
  const r = await new Deno.Command("bash", { args: ["-c", script, "bench", ...args] }).output();
  const s = (performance.now() - t0) / 1000;
  const out = new TextDecoder().decode(r.stdout);
  if (r.code !== 0) throw new Error(`${script}: ${new TextDecoder().decode(r.stderr)}`);
  return { s, out };
}

const STOW = `{ printf -- '--%s\\r\\nContent-Type: application/dicom\\r\\n\\r\\n' "$3"; cat -- "$2";
  printf -- '\\r\\n--%s--\\r\\n' "$3"; } | curl -sS -f -X POST -T - -o /dev/null -w '%{http_code}' \\
  -H "Authorization: Bearer $4" -H "Content-Type: multipart/related; type=application/dicom; boundary=$3" "$1"`;
const PUT = `curl -sS -f -T "$2" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $3" "$1"`;

const enc = new TextEncoder();
const mbps = (s: number) => (size / 1e6 / s).toFixed(0);
const rows: string[] = [];
for (let run = 1; run <= RUNS; run++) {
  let srv = await startServer();
  const stow = await timed(STOW, `${srv.url}/dicomweb/studies`, file, B, TOKEN);
  const stowRss = await srv.stop();
  srv = await startServer();
  const created = await fetch(`${srv.url}/api/batches`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const { id } = await created.json();
  const put = await timed(PUT, `${srv.url}/api/batches/${id}/files/w2.dcm`, file, TOKEN);
  const putRss = await srv.stop();
  const copy = `${WORK}stow-cp.dcm`;
  const cp = await timed(`cp -- "$1" "$2" && sync -f "$2"`, file, copy);
  await Deno.remove(copy);
  if (stow.out !== "200" || put.out !== "201") throw new Error(`status ${stow.out} ${put.out}`);
  rows.push(
    `| ${run} | ${stow.s.toFixed(2)} s = ${mbps(stow.s)} MB/s, ${stowRss} MB | ` +
      `${put.s.toFixed(2)} s = ${mbps(put.s)} MB/s, ${putRss} MB | ${cp.s.toFixed(2)} s |`,
  );
}

// W3: 6,000 small instances (12 KB each) in one request, vs one PUT per file over keep-alive.
const w3Files: string[] = [];
const walk = (d: string) => {
  for (const e of Deno.readDirSync(d)) {
    if (e.isDirectory) walk(`${d}/${e.name}`);
    else if (e.name.endsWith(".dcm")) w3Files.push(`${d}/${e.name}`);
  }
};
walk(`${WORK}w3/tree`);
const w3Bytes = w3Files.map((f) => Deno.readFileSync(f));
const framed: Uint8Array<ArrayBuffer>[] = [];
for (const b of w3Bytes) {
  framed.push(
    enc.encode(`--${B}\r\nContent-Type: application/dicom\r\n\r\n`),
    b,
    enc.encode("\r\n"),
  );
}
framed.push(enc.encode(`--${B}--\r\n`));
const w3Body = await new Blob(framed).arrayBuffer();
const auth = { authorization: `Bearer ${TOKEN}` };
const small: string[] = [];
for (let run = 1; run <= RUNS; run++) {
  let srv = await startServer();
  const t0 = performance.now();
  const res = await fetch(`${srv.url}/dicomweb/studies`, {
    method: "POST",
    body: w3Body,
    headers: {
      ...auth,
      "content-type": `multipart/related; type="application/dicom"; boundary=${B}`,
    },
  });
  await res.arrayBuffer();
  const stowS = (performance.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`W3 STOW answered ${res.status}`);
  const stowRss = await srv.stop();
  srv = await startServer();
  const { id } = await (await fetch(`${srv.url}/api/batches`, { method: "POST", headers: auth }))
    .json();
  const t1 = performance.now();
  for (const [i, b] of w3Bytes.entries()) {
    const r = await fetch(`${srv.url}/api/batches/${id}/files/${i}.dcm`, {
      method: "PUT",
      body: b,
      headers: auth,
    });
    await r.arrayBuffer();
    if (r.status !== 201) throw new Error(`PUT answered ${r.status}`);
  }
  const putS = (performance.now() - t1) / 1000;
  const putRss = await srv.stop();
  const rate = (s: number) => (w3Files.length / s).toFixed(0);
  small.push(
    `| ${run} | ${stowS.toFixed(2)} s = ${rate(stowS)} files/s, ${stowRss} MB | ` +
      `${putS.toFixed(2)} s = ${rate(putS)} files/s, ${putRss} MB |`,
  );
}

// The splitter alone: the file's bytes in 1 MiB chunks, framed as one part, in memory.
const bytes = await Deno.readFile(file);
const split: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const p = new MultipartParser({ boundary: B, maxParts: 1 });
  const t0 = performance.now();
  let n = 0;
  p.push(enc.encode(`--${B}\r\nContent-Type: application/dicom\r\n\r\n`));
  for (let at = 0; at < bytes.length; at += 1 << 20) {
    for (const e of p.push(bytes.subarray(at, at + (1 << 20)))) {
      if (e.kind === "data") n += e.bytes.length;
    }
  }
  p.push(enc.encode(`\r\n--${B}--`));
  split.push((performance.now() - t0) / 1000);
  if (n !== bytes.length) throw new Error("splitter lost bytes");
}

console.log(
  `1 GiB W2 (${size} bytes), Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`,
);
console.log(
  "| run | STOW-RS (raw node:http), server peak RSS | PUT /api/batches (Hono), peak RSS | cp + sync |",
);
console.log("| --- | --- | --- | --- |");
for (const r of rows) console.log(r);
console.log(
  `\nMultipartParser alone, 1 MiB chunks in memory: ${
    split.map((s) => `${mbps(s)} MB/s`).join(", ")
  }`,
);
console.log(
  `\nW3: ${w3Files.length} files, one STOW-RS request vs one PUT per file (sequential)\n`,
);
console.log("| run | STOW-RS, peak RSS | PUT per file, peak RSS |");
console.log("| --- | --- | --- |");
for (const r of small) console.log(r);
