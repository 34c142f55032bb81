import assert from "node:assert/strict";
import { join } from "node:path";
import { makeStudy, phiCheck } from "../support/anonymize_tree.ts";
import { startTestServer, TOKEN } from "./_harness.ts";
import { AUTH, tree } from "./_batches.ts";
import { type Dataset, items, value } from "./_stow.ts";

// A body built by the shell, not by our code: printf for the framing, cat for the files.
const BUILD_BODY = `
set -eu
b=$1; out=$2; shift 2
{
  printf 'preamble\\r\\n'
  for f in "$@"; do
    printf -- '--%s\\r\\nContent-Type: application/dicom\\r\\n\\r\\n' "$b"
    cat -- "$f"
    printf '\\r\\n'
  done
  printf -- '--%s--\\r\\n' "$b"
} > "$out"
`;

Deno.test("curl -T of a shell-built multipart/related body stores a study phi_check finds clean", async () => {
  const t = await startTestServer();
  const study = join(t.dir, "study");
  const out = join(t.dir, "out");
  try {
    await makeStudy(study, [
      ...["--patients", "2", "--studies", "1", "--series", "1", "--images", "2"],
      ...["--rows", "32", "--cols", "32", "--nested"],
    ]);
    const files = tree(study).filter((f) => f.endsWith(".dcm")).map((f) => join(study, f));
    assert.equal(files.length, 4);
    const body = join(t.dir, "body.multipart");
    const built = await new Deno.Command("bash", {
      args: ["-c", BUILD_BODY, "build", "curl boundary:1", body, ...files],
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    const curl = await new Deno.Command("curl", {
      args: [
        ...["-sS", "-X", "POST", "-T", body, "-w", "\\n%{http_code}"],
        ...["-H", `Authorization: Bearer ${TOKEN}`],
        ...[
          "-H",
          'Content-Type: multipart/related; type="application/dicom"; boundary="curl boundary:1"',
        ],
        ...["-H", "Accept: application/dicom+json"],
        `${t.url}/dicomweb/studies?profile=ps315-basic`,
      ],
    }).output();
    assert.equal(curl.code, 0, new TextDecoder().decode(curl.stderr));
    const lines = new TextDecoder().decode(curl.stdout).split("\n");
    assert.equal(lines.pop(), "200");
    const json = JSON.parse(lines.join("\n")) as Dataset;
    const stored = items(json, "00081199");
    assert.equal(stored.length, 4);
    await Deno.mkdir(out);
    for (const [i, item] of stored.entries()) {
      const res = await fetch(value(item, "00081190") as string, { headers: AUTH });
      assert.equal(res.status, 200);
      await Deno.writeFile(join(out, `${i}.dcm`), new Uint8Array(await res.arrayBuffer()));
      const dump = await new Deno.Command("dcmdump", { args: ["-q", join(out, `${i}.dcm`)] })
        .output();
      assert.equal(dump.code, 0, "DCMTK reads the stored file");
    }
    const { hits, summary } = await phiCheck(study, out);
    assert.deepEqual(hits, []);
    assert.match(summary, /phi_check: 4 files, \d+ strings, 0 hits/);
  } finally {
    await t.dispose();
  }
});
