/**
 * `main.ts anonymize --pseudonyms …` and `main.ts crosswalk …` end to end: real processes, a
 * made study, the KV file on disk, phi_check.py on the outputs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decryptCrosswalk } from "../../core/pseudonyms/crosswalk_crypto.ts";
import { hashPseudonym } from "../../core/pseudonyms/hash.ts";
import { phiCheck } from "../support/anonymize_tree.ts";
import { textValues } from "../support/text_values.ts";
import { makeStudy, ROOT, runCli, TEST_KEY_HEX, withTempDir } from "../cli/cli_helpers.ts";

const PASS = "correct horse battery staple";
const IDS = [0x00100010, 0x00100020, 0x00080050, 0x00200010];

/** Planted values per file and the set of every planted string (phi.json). */
async function planted(study: string) {
  const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
  const files = new Map<string, Map<string, string>>();
  for (
    const [rel, rows] of Object.entries(
      phi.files as Record<string, { path: string; value: string }[]>,
    )
  ) {
    files.set(rel, new Map(rows.map((r) => [r.path, String(r.value)])));
  }
  const strings = new Set(Object.values(phi.strings as Record<string, string[]>).flat());
  return { files, strings };
}

/** The four attributes of every output, by relative path. */
async function outputIds(out: string, rels: Iterable<string>) {
  const result = new Map<string, string[]>();
  for (const rel of rels) {
    const top = textValues(await Deno.readFile(join(out, rel))).top;
    result.set(rel, IDS.map((t) => top.get(t) ?? ""));
  }
  return result;
}

/** All bytes of the KV's SQLite files (main, WAL, shared memory). */
async function kvBytes(dir: string): Promise<string> {
  let text = "";
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith("kv.sqlite3")) {
      text += new TextDecoder("latin1").decode(await Deno.readFile(join(dir, e.name)));
    }
  }
  return text;
}

Deno.test("anonymize --pseudonyms sequential: no PHI out, none in KV, the same pseudonyms later", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "in"), ["--patients", "2", "--studies", "2"]);
    const env = { KV_PATH: join(dir, "kv.sqlite3"), CROSSWALK_ENABLED: "true", DATA_DIR: dir };
    const args = ["--pseudonyms", "sequential", "--prefix", "SITE"];
    const first = await runCli(["anonymize", study, join(dir, "out"), ...args], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Pseudonyms SITE-…: 12 new/); // 2 IDs, 2 names, 4 + 4 per study

    const { files, strings } = await planted(study);
    const { hits, summary } = await phiCheck(study, join(dir, "out"));
    assert.deepEqual(hits, [], summary);
    const ids = await outputIds(join(dir, "out"), files.keys());
    const byPatient = new Map<string, string>();
    for (const [rel, [name, id, accession, studyId]] of ids) {
      for (const v of [name, id, accession, studyId]) assert.match(v, /^SITE-00000[1-4]$/, rel);
      const patient = files.get(rel)!.get("PatientID")!;
      assert.equal(byPatient.get(patient) ?? id, id, "one patient, one pseudonym");
      byPatient.set(patient, id);
    }
    assert.deepEqual([...new Set(byPatient.values())].sort(), ["SITE-000001", "SITE-000002"]);

    const kv = await kvBytes(dir);
    assert.ok(kv.length > 0);
    const inClear = [...strings].filter((s) => s.length >= 4 && kv.includes(s));
    assert.deepEqual(inClear, [], "an original is in the KV file in clear");

    const again = await runCli(["anonymize", study, join(dir, "again"), ...args], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /: 0 new/);
    assert.deepEqual(await outputIds(join(dir, "again"), files.keys()), ids);

    // The crosswalk: export, then import into an empty KV, which then serves the same.
    const passFile = join(dir, "pass");
    await Deno.writeTextFile(passFile, PASS + "\n");
    const out = join(dir, "x.csv.enc");
    const exported = await runCli([
      "crosswalk",
      "export",
      "--out",
      out,
      "--passphrase-file",
      passFile,
    ], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /Exported 12 row\(s\)/);
    assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
    const csv = new TextDecoder().decode(await decryptCrosswalk(await Deno.readFile(out), PASS));
    for (const [patient, pseudonym] of byPatient) {
      assert.ok(csv.includes(`PatientID,${patient},${pseudonym}\r\n`));
    }

    const env2 = { ...env, KV_PATH: join(dir, "kv2", "kv.sqlite3") };
    const wrong = await runWithStdin(["crosswalk", "import", out], env2, "not the passphrase\n");
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong passphrase or a damaged file/);
    const imported = await runWithStdin(["crosswalk", "import", out], env2, PASS + "\n");
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /Imported 12 new row\(s\); 0 already present/);
    const third = await runCli(["anonymize", study, join(dir, "third"), ...args], env2);
    assert.match(third.stderr, /: 0 new/);
    assert.deepEqual(await outputIds(join(dir, "third"), files.keys()), ids);
    for (const r of [first, again, exported, wrong, imported, third]) {
      const leaked = [...strings].filter((s) => s.length >= 4 && (r.stderr + r.stdout).includes(s));
      assert.deepEqual(leaked, [], "a planted value reached the console");
    }
  });
});

Deno.test("crosswalk refuses to run unless CROSSWALK_ENABLED is true", async () => {
  await withTempDir(async (dir) => {
    const env = { KV_PATH: join(dir, "kv.sqlite3"), DATA_DIR: dir };
    await Deno.writeTextFile(join(dir, "pass"), PASS);
    for (const argv of [["export", "--out", join(dir, "x.csv.enc")], ["import", join(dir, "x")]]) {
      const r = await runCli(["crosswalk", ...argv, "--passphrase-file", join(dir, "pass")], env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /the crosswalk is off; set CROSSWALK_ENABLED=true/);
    }
    assert.equal(await Deno.stat(join(dir, "x.csv.enc")).catch(() => null), null);
    const short = await runWithStdin(
      ["crosswalk", "export", "--out", join(dir, "x.csv.enc")],
      { ...env, CROSSWALK_ENABLED: "true" },
      "short\n",
    );
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 12 characters/);
  });
});

Deno.test("anonymize --pseudonyms hash: keyed pseudonyms, no KV, no PHI out", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "in"), ["--patients", "2"]);
    const env = { KV_PATH: join(dir, "kv.sqlite3"), DATA_DIR: dir };
    const r = await runCli(["anonymize", study, join(dir, "out"), "--pseudonyms", "hash"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await phiCheck(study, join(dir, "out"))).hits, []);
    const key = Uint8Array.from(TEST_KEY_HEX.match(/../g)!, (h) => parseInt(h, 16));
    const { files } = await planted(study);
    for (const [rel, values] of files) {
      const [name, id, accession, studyId] = (await outputIds(join(dir, "out"), [rel])).get(rel)!;
      assert.equal(id, hashPseudonym(key, "PatientID", values.get("PatientID")!));
      assert.equal(name, hashPseudonym(key, "PatientName", values.get("PatientName")!));
      assert.equal(
        accession,
        hashPseudonym(key, "AccessionNumber", values.get("AccessionNumber")!),
      );
      assert.equal(studyId, hashPseudonym(key, "StudyID", values.get("StudyID")!));
    }
    assert.equal(await Deno.stat(join(dir, "kv.sqlite3")).catch(() => null), null);
  });
});

Deno.test("anonymize --pseudonyms sequential --dry-run allocates nothing", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "in"));
    const env = { KV_PATH: join(dir, "kv.sqlite3"), DATA_DIR: dir };
    const argv = [
      "anonymize",
      study,
      join(dir, "out"),
      "--pseudonyms",
      "sequential",
      "--prefix",
      "S",
    ];
    const dry = await runCli([...argv, "--dry-run"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /dry run, nothing allocated/);
    const real = await runCli(argv, env);
    assert.match(real.stderr, /Pseudonyms S-…: 4 new/);
  });
});

/** Runs the CLI like `runCli`, writing `input` to its standard input. */
async function runWithStdin(args: string[], env: Record<string, string>, input: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env: { DEID_KEY: TEST_KEY_HEX, NO_COLOR: "1", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}
