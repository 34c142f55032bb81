/**
 * No PHI in logs: a whole make_corpus study (nested, 3 patients) plus a truncated DICOM file
 * and a non-DICOM file full of planted values goes through the CLI (`--json`) and through a
 * `main.ts serve` process at LOG_LEVEL=debug (batch upload, ZIP download, streaming, ZIP
 * upload). Every line either wrote is searched for every planted value of phi.json.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeStudy } from "../support/anonymize_tree.ts";
import { BEARER, files, PASSWORD, runCli, send, spawnServe, TOKEN } from "./_util.ts";
import { buildZip } from "./_zip.ts";

/** Every planted value of a phi.json ("strings": per file, de-duplicated). */
async function plantedValues(phiJson: string): Promise<string[]> {
  const phi = JSON.parse(await Deno.readTextFile(phiJson));
  return [...new Set(Object.values(phi.strings as Record<string, string[]>).flat())];
}

/**
 * The text a reader of `output` sees: for JSON (a log line, the `--json` document), its keys
 * and string values only, since its numbers are counts and timings that may by chance contain
 * the digits of a planted number; any other line as it is.
 */
function searchable(output: string): string[] {
  const strings = (v: unknown): string[] =>
    typeof v === "string"
      ? [v]
      : Array.isArray(v)
      ? v.flatMap(strings)
      : v !== null && typeof v === "object"
      ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)])
      : [];
  try {
    return strings(JSON.parse(output));
  } catch {
    return output.split("\n").flatMap((line) => {
      try {
        return strings(JSON.parse(line));
      } catch {
        return [line];
      }
    });
  }
}

/** Planted values found in `texts`; all-digit values must stand alone (not inside a number). */
function hits(texts: string[], values: string[]): string[] {
  const found: string[] = [];
  for (const v of values) {
    const re = /^\d+$/.test(v) ? new RegExp(`(?<!\\d)${v}(?!\\d)`) : undefined;
    for (const t of texts) {
      if (re ? re.test(t) : t.includes(v)) {
        found.push(`${JSON.stringify(v)} in ${JSON.stringify(t)}`);
      }
    }
  }
  return found;
}

Deno.test("no planted PHI value reaches any CLI or server log line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-phi-logs-" });
  let server: Awaited<ReturnType<typeof spawnServe>> | undefined;
  try {
    const study = await makeStudy(join(dir, "in"), [
      ...["--nested", "--patients", "3", "--rows", "64", "--cols", "64"],
    ]);
    // The sidecar is the answer key: keep it out of the input tree.
    await Deno.rename(join(study, "phi.json"), join(dir, "phi.json"));
    const values = await plantedValues(join(dir, "phi.json"));
    const dicom = files(study);
    assert.equal(dicom.length, 60);
    // Error paths: a header cut inside its PHI, and a text file made of planted values.
    await Deno.mkdir(join(study, "extra"));
    const first = await Deno.readFile(join(study, dicom[0]));
    await Deno.writeFile(join(study, "extra/broken.dcm"), first.subarray(0, 700));
    await Deno.writeTextFile(join(study, "extra/notes.txt"), values.join("\n"));
    const inputs = files(study);

    // 1. The CLI, with --json (and LOG_LEVEL=debug in its environment, in case it reads it).
    const cli = await runCli([study, join(dir, "out"), "--json"], {
      env: { LOG_LEVEL: "debug" },
    });
    assert.equal(cli.code, 1, "the broken file fails the run");
    const summary = JSON.parse(cli.stdout);
    assert.equal(summary.totals.ok, 60);
    assert.deepEqual(summary.failed.map((f: { path: string }) => f.path), ["extra/broken.dcm"]);
    assert.deepEqual(summary.notDicom, ["extra/notes.txt"]);
    // The CLI names input paths (its user's own), and with --nested make_corpus names folders
    // after the PatientID. Those folder names are echoed on purpose: a warning says the
    // outputs keep them. Checked apart: paths may hold only the PatientID folder names.
    const patientDirs = [...new Set(dicom.map((p) => p.split("/")[0]))];
    const scrub = (s: string) => patientDirs.reduce((t, d) => t.replaceAll(`${d}/`, "<dir>/"), s);
    const cliTexts = [...searchable(cli.stdout), ...cli.stderr.split("\n")].map(scrub);
    assert.deepEqual(hits(cliTexts, values), [], "CLI output");
    assert.match(cli.stderr, /folder name equals a removed value; outputs keep it/);

    // 2. The server at debug level: batch upload, listing, ZIP download, streaming, ZIP upload.
    const data = join(dir, "data");
    await Deno.mkdir(data);
    server = await spawnServe(data, { LOG_LEVEL: "debug" });
    const url = server.url;
    const created = await fetch(`${url}/api/batches`, { method: "POST", headers: BEARER });
    const batch = (await created.json()).id;
    const statuses: Record<string, number> = {};
    for (const rel of inputs) {
      const body = await Deno.readFile(join(study, rel));
      const target = `${url}/api/batches/${batch}/files/${
        rel.split("/").map(encodeURIComponent).join("/")
      }`;
      const put = await send(target, "PUT", BEARER, body);
      statuses[`PUT ${put.status}`] = (statuses[`PUT ${put.status}`] ?? 0) + 1;
      const streamed = await send(`${url}/api/anonymize`, "POST", BEARER, body);
      statuses[`POST ${streamed.status}`] = (statuses[`POST ${streamed.status}`] ?? 0) + 1;
      await (await fetch(target, { headers: BEARER })).arrayBuffer();
    }
    assert.deepEqual(statuses, {
      "PUT 201": 60,
      "PUT 415": 1,
      "PUT 422": 1,
      "POST 200": 60,
      "POST 415": 1,
      "POST 422": 1,
    });
    const listing = await fetch(`${url}/api/batches/${batch}`, { headers: BEARER });
    assert.equal((await listing.json()).counts.done, 60);
    const zip = await fetch(`${url}/api/batches/${batch}/zip`, { headers: BEARER });
    assert.equal(zip.status, 200);
    await zip.arrayBuffer();
    const archive = buildZip(
      await Promise.all(
        inputs.map(async (rel) => ({ name: rel, data: await Deno.readFile(join(study, rel)) })),
      ),
    );
    const zipped = await send(`${url}/api/anonymize`, "POST", {
      ...BEARER,
      "content-type": "application/zip",
    }, archive);
    assert.equal(zipped.status, 200);
    // Logins too: a wrong and a right password, so the auth paths log as well.
    for (const password of ["wrong-password", PASSWORD]) {
      const res = await fetch(`${url}/login`, {
        method: "POST",
        body: new URLSearchParams({ password }),
        redirect: "manual",
      });
      await res.body?.cancel();
    }
    assert.equal(await server.stop(), 0);
    const lines = server.lines;
    server = undefined;
    assert.ok(
      lines.filter((l) => l.includes('"msg":"request"')).length >= 3 * 62 + 5,
      "every request logged",
    );
    assert.ok(lines.some((l) => l.includes('"level":"debug"')), "debug lines are there");
    assert.deepEqual(hits(lines.flatMap(searchable), values), [], "server log");
    // Nor the secrets of the deployment.
    for (const secret of [PASSWORD, TOKEN, "wrong-password"]) {
      assert.ok(!lines.some((l) => l.includes(secret)), `secret ${secret} logged`);
    }
    console.log(
      `${values.length} planted values; CLI ${cliTexts.length} texts, server ${lines.length} lines: 0 hits`,
    );
  } finally {
    await server?.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
