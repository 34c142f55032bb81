import assert from "node:assert/strict";
import { makeStudy } from "../support/anonymize_tree.ts";
import { matchScrubbed } from "../support/scrubbed.ts";
import { dirname, join } from "node:path";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from "@zip.js/zip.js";
import { login, startTestServer } from "./_harness.ts";
import { AUTH, createBatch, put, tree } from "./_batches.ts";

const TOOLS = new URL("../tools/", import.meta.url).pathname;

Deno.test("GET /api/batches/:id/zip streams a study that phi_check finds clean", async () => {
  const t = await startTestServer();
  const input = join(t.dir, "in");
  const output = join(t.dir, "out");
  try {
    await makeStudy(input, [
      "--patients",
      "2",
      "--studies",
      "1",
      "--series",
      "1",
      "--images",
      "2",
      "--rows",
      "32",
      "--cols",
      "32",
      "--nested",
    ]);
    const id = await createBatch(t, "?profile=ps315-basic");
    const files = tree(input).filter((f) => f.endsWith(".dcm"));
    assert.equal(files.length, 4);
    for (const f of files) {
      const res = await put(t, id, f, await Deno.readFile(join(input, f)));
      assert.equal(res.status, 201, f);
      assert.equal((await res.json()).file.status, "done");
    }
    const junk = await put(t, id, "notes/readme.txt", "just text, not DICOM");
    assert.equal(junk.status, 415);
    assert.equal((await junk.json()).file.status, "rejected");
    const status = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(status.counts, {
      processing: 0,
      done: 4,
      rejected: 1,
      "held-back": 0,
      failed: 0,
    });
    assert.ok(!tree(t.dir).some((f) => f.endsWith("readme.txt")), "the non-DICOM upload is gone");

    const zipRes = await fetch(`${t.url}/api/batches/${id}/zip`, { headers: AUTH });
    assert.equal(zipRes.headers.get("content-type"), "application/zip");
    const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(await zipRes.arrayBuffer())));
    for (const e of await reader.getEntries()) {
      if (e.directory) continue;
      await Deno.mkdir(dirname(join(output, e.filename)), { recursive: true });
      await Deno.writeFile(join(output, e.filename), await e.getData(new Uint8ArrayWriter()));
    }
    await reader.close();
    // Folders named after the Patient ID come back pseudonymized (core/deid/scrub_path.ts).
    const zipped = matchScrubbed(tree(output), files);
    const one = await fetch(`${t.url}/api/batches/${id}/files/${files[0]}`, { headers: AUTH });
    assert.equal(one.headers.get("content-type"), "application/dicom");
    const bytes = new Uint8Array(await one.arrayBuffer());
    const same = zipped.get(files[0])!.filter((p) =>
      (({ f }) => f.length === bytes.length && f.every((b, i) => b === bytes[i]))({
        f: Deno.readFileSync(join(output, p)),
      })
    );
    assert.equal(same.length, 1, "the single download is one of the ZIP's files");

    const check = await new Deno.Command("/usr/bin/python3", {
      args: [`${TOOLS}phi_check.py`, join(input, "phi.json"), output],
    }).output();
    const summary = new TextDecoder().decode(check.stdout).trim().split("\n").pop();
    assert.equal(check.code, 0, summary);
    assert.match(summary ?? "", /phi_check: 4 files, \d+ strings, 0 hits/);

    const del = await fetch(`${t.url}/api/batches/${id}`, { method: "DELETE", headers: AUTH });
    assert.equal(del.status, 204);
    const gone = await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH });
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    assert.deepEqual(tree(join(t.dir, "batches")), []);
  } finally {
    await t.dispose();
  }
});

Deno.test("PUT /api/batches/:id/files/* needs the CSRF header with a session", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const res = await fetch(`${t.url}/api/batches`, { method: "POST", headers: { cookie } });
    assert.equal(res.status, 403);
    await res.body?.cancel();
    const created = await fetch(`${t.url}/api/batches`, {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrf, "sec-fetch-site": "same-origin" },
    });
    assert.equal(created.status, 201);
    const { id } = await created.json();
    const ct = await Deno.readFile(
      new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
    );
    const up = await put(t, id, "ct.dcm", ct, { cookie, "x-csrf-token": csrf });
    assert.equal(up.status, 201);
    await up.body?.cancel();
    const listed = await fetch(`${t.url}/api/batches/${id}`, { headers: { cookie } });
    assert.equal((await listed.json()).counts.done, 1, "reads need no CSRF token");
  } finally {
    await t.dispose();
  }
});
