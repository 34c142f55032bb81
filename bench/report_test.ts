import assert from "node:assert/strict";
import { type Machine, renderResults, type ResultRow } from "./report.ts";

const MACHINE: Machine = {
  cpus: 2,
  cpuModel: "Test CPU",
  memoryGb: 8,
  kernel: "6.0",
  deno: "2.8.2",
  filesystem: "ext4",
  loadAverage: 0.5,
};

const ROW: ResultRow = {
  workload: "W2 multi-frame",
  input: "1 multi-frame file, 1073.7 MB",
  tool: "cp",
  seconds: 0.5,
  ratioToCp: 1,
  mbPerSecond: 2147.5,
  filesPerSecond: 2,
  peakRssMb: 2,
  runs: 3,
  date: "2026-01-02T03:04:05.000Z",
};

Deno.test("renderResults() writes one table line per row with the machine header", () => {
  const md = renderResults(MACHINE, [ROW], null, new Date("2026-01-02T03:04:05Z"));
  assert.match(md, /- Machine: 2 CPUs \(Test CPU\), 8\.0 GiB RAM/);
  assert.match(
    md,
    /\| W2 multi-frame \(1 multi-frame file, 1073\.7 MB\) \| cp \| 0\.50 \| 1\.00 \| 2148 \| 2\.00 \| 2 \| 3 \|/,
  );
  assert.match(md, /Not measured yet/);
});

Deno.test("renderResults() shows a skipped row's note and escapes pipes in it", () => {
  const skipped = { ...ROW, tool: "x", seconds: NaN, runs: 0, note: "failed: a | b" };
  const md = renderResults(MACHINE, [skipped], null, new Date());
  assert.match(md, /\| x \| failed: a \\\| b \|/);
});
