// No false alarms: every readable corpus file and a made study, de-identified by the engine under
// every profile and option, passes `verify` under the same settings; and the checks are not
// vacuous: the same outputs fail under stricter settings.
import assert from "node:assert/strict";
import { join } from "node:path";
import { formatFinding } from "../../core/verify/findings.ts";
import { canonicalProfile, optionIds } from "../../core/verify/profiles.ts";
import { type OutputSource, verifyOutputs } from "../../core/verify/verify_run.ts";
import { anonymizeBytes, anonymizeTree, makeStudy } from "../support/anonymize_tree.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { fileChunks } from "../../cli/verify_sources.ts";
import { listTree, runCli, TEST_KEY_HEX, withTempDir } from "../cli/cli_helpers.ts";

const rows = (await readManifest()).filter((r) =>
  r.dcmdump !== "error" && !r.categories.includes("dicomdir")
);
const inputs = new Map<string, Uint8Array>();
for (const r of rows) inputs.set(r.file, await Deno.readFile(corpusPath(r.file)));

/** Every profile, each option alone, and every option at once (full and modified dates clash). */
const CONFIGS: [string, string[]][] = [
  ["dicomfields_2023", []],
  ["dicomfields_2024b", []],
  ["ps315-basic", []],
  ["minimal", []],
  ...optionIds().map((o): [string, string[]] => ["ps315-basic", [o]]),
  ["ps315-basic", optionIds().filter((o) => o !== "retain-long-full-dates")],
];

/**
 * The phi.json categories (or attribute paths) each profile or option keeps on purpose. Retain
 * Device Identity keeps the Device UID and the calibration dates and times (they describe the
 * device); Retain Institution Identity keeps the institution's address.
 */
const KEPT: Record<string, string[]> = {
  minimal: ["date", "time", "datetime", "uid", "institution", "device"],
  "retain-long-full-dates": ["date", "time", "datetime"],
  "retain-long-modified-dates": ["date", "time", "datetime"],
  "retain-uids": ["uid"],
  "retain-device-id": ["device", "uid", "date", "time"],
  "retain-institution-id": ["institution", "InstitutionAddress"],
  "retain-safe-private": ["private"],
};

function sources(outputs: Map<string, Uint8Array>): OutputSource[] {
  return [...outputs].map(([rel, bytes]) => ({
    rel,
    open: async function* () {
      yield bytes;
    },
  }));
}

/** The engine's outputs of the corpus under a profile (files it refuses are left out). */
function corpusOutputs(profile: string, options: string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of inputs) {
    try {
      out.set(name, anonymizeBytes(bytes, { profile, options }));
    } catch {
      // truncated and broken inputs fail in the engine too: nothing to verify
    }
  }
  return out;
}

Deno.test("verifyOutputs() finds nothing in the corpus under every profile and option", async () => {
  const report: string[] = [];
  for (const [profile, options] of CONFIGS) {
    const outputs = corpusOutputs(profile, options);
    assert.ok(outputs.size >= 44, `${profile}: ${outputs.size} outputs`);
    const result = await verifyOutputs({
      outputs: sources(outputs),
      profile: canonicalProfile(profile, options),
    });
    const label = [profile, ...options].join(" ");
    report.push(...result.findings.listed.map((f) => `${label}: ${formatFinding(f)}`));
  }
  assert.deepEqual(report, []);
});

Deno.test("verifyOutputs() fails the same outputs under stricter settings", async () => {
  const strict = canonicalProfile("ps315-basic", []);
  const cases: [string, string[], RegExp][] = [
    ["ps315-basic", ["retain-patient-chars"], /attribute-not-empty: PatientSex/],
    ["ps315-basic", ["retain-safe-private"], /private-kept/],
    ["ps315-basic", ["retain-long-full-dates"], /attribute-not-empty: StudyDate/],
    ["minimal", [], /identity: PatientIdentityRemoved is not YES/],
  ];
  for (const [profile, options, expected] of cases) {
    const result = await verifyOutputs({
      outputs: sources(corpusOutputs(profile, options)),
      profile: strict,
    });
    const lines = result.findings.listed.map(formatFinding);
    assert.ok(lines.some((l) => expected.test(l)), `${profile} ${options}: ${expected}`);
  }
});

Deno.test("verify --phi-list finds nothing in a made study under every profile", async () => {
  const root = await Deno.makeTempDir({ prefix: "deid-verify-study-" });
  try {
    const study = await makeStudy(join(root, "in"), [
      ...["--patients", "3", "--studies", "1", "--series", "1", "--images", "2"],
      ...["--rows", "16", "--cols", "16", "--nested", "--trailing-padding"],
    ]);
    const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
    let run = 0;
    for (const [profile, options] of CONFIGS) {
      // What each setting keeps on purpose is not searched for (as phi_check.py --skip).
      const kept = new Set(
        [profile, ...options].flatMap((o) => KEPT[o] ?? []),
      );
      // phi.json's "strings" (what must not survive), less the values of kept categories.
      const strings = new Set<string>();
      for (const [rel, list] of Object.entries(phi.strings as Record<string, string[]>)) {
        const entries = phi.files[rel] as { category: string; path: string; value: string }[];
        const skipped = new Set(
          entries.filter((e) => kept.has(e.category) || kept.has(e.path)).map((e) => e.value),
        );
        for (const s of list) if (!skipped.has(s)) strings.add(s);
      }
      const out = join(root, `out${run++}`);
      await anonymizeTree(study, out, { profile, options });
      const rels = (await listTree(out)).filter((f) => f.endsWith(".dcm"));
      const result = await verifyOutputs({
        outputs: rels.map((rel) => ({ rel, open: () => fileChunks(join(out, rel)) })),
        profile: canonicalProfile(profile, options),
        phiStrings: [...strings].filter((s) => s.length >= 4),
      });
      const label = [profile, ...options].join(" ");
      assert.deepEqual(result.findings.listed.map((f) => `${label}: ${formatFinding(f)}`), []);
      assert.equal(result.dicomFiles, 6);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("verify passes the CLI's corpus run with its manifest, copied and failed files too", async () => {
  await withTempDir(async (dir) => {
    const keyFile = join(dir, "deid.key");
    await Deno.writeTextFile(keyFile, TEST_KEY_HEX);
    const [out, manifest] = [join(dir, "out"), join(dir, "m.jsonl")];
    const corpus = corpusPath("");
    const run = await runCli([
      ...["anonymize", corpus, out, "-q", "--copy-non-dicom", "--key-file", keyFile],
      ...["--manifest", manifest, "--signing-key", join(dir, "sign.pem")],
    ]);
    assert.equal(run.code, 1, "two corpus files are truncated on purpose");
    const v = await runCli([
      "verify",
      out,
      "--manifest",
      manifest,
      "--key-file",
      keyFile,
      "--json",
    ]);
    assert.equal(v.code, 0, v.stdout);
    const json = JSON.parse(v.stdout);
    // Every DICOM output parsed, plus the five non-DICOM inputs copied as they were.
    assert.ok(json.dicomFiles >= 44, `${json.dicomFiles} DICOM outputs`);
    assert.equal(json.files, json.dicomFiles + 5);
    assert.ok(json.uids.checked > 200, `${json.uids.checked} UIDs checked`);
  });
});
