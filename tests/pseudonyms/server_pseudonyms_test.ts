/**
 * Pseudonyms on the server: batches and the streaming route allocate sequential pseudonyms in
 * the server's KV, and only the admin's session may download the encrypted crosswalk.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { setPassword } from "../../core/auth/accounts.ts";
import { decryptCrosswalk } from "../../core/pseudonyms/crosswalk_crypto.ts";
import { makeStudy, phiCheck } from "../support/anonymize_tree.ts";
import { textValues } from "../support/text_values.ts";
import { AUTH, createBatch, put, tree } from "../http/_batches.ts";
import { upload } from "../http/_client.ts";
import { login, startTestServer, type TestServer } from "../http/_harness.ts";

const PASS = "correct horse battery staple";
const CROSSWALK_ON = { env: { CROSSWALK_ENABLED: "true" } };

const top = (bytes: Uint8Array) => textValues(bytes).top;

/** Posts the crosswalk form with a session; returns the response. */
async function postExport(t: TestServer, s: { cookie: string; csrf: string }, pass = PASS) {
  return await fetch(`${t.url}/admin/crosswalk/export`, {
    method: "POST",
    headers: { cookie: s.cookie, origin: t.url },
    body: new URLSearchParams({ csrf: s.csrf, passphrase: pass, confirm: pass }),
  });
}

Deno.test("batches and POST /api/anonymize share one sequence; the admin exports it", async () => {
  const t = await startTestServer(CROSSWALK_ON);
  try {
    const study = await makeStudy(join(t.dir, "in"), [
      ...["--patients", "2", "--studies", "1", "--series", "1", "--images", "2"],
      ...["--rows", "16", "--cols", "16"],
    ]);
    const files = tree(study).filter((f) => f.endsWith(".dcm"));
    const id = await createBatch(t, "?pseudonyms=sequential&prefix=SITE");
    for (const f of files) {
      const res = await put(t, id, f, await Deno.readFile(join(study, f)));
      assert.equal(res.status, 201, f);
    }
    const out = join(t.dir, "out");
    await Deno.mkdir(out);
    const ids = new Map<string, string>();
    for (const f of files) {
      const res = await fetch(`${t.url}/api/batches/${id}/files/${f}`, { headers: AUTH });
      const bytes = new Uint8Array(await res.arrayBuffer());
      await Deno.writeFile(join(out, f), bytes);
      ids.set(f, top(bytes).get(0x00100020)!);
      assert.match(top(bytes).get(0x00080050)!, /^SITE-00000[12]$/);
    }
    assert.deepEqual((await phiCheck(study, out)).hits, []);
    // p0001's two images share SITE-000001, p0002's SITE-000002 (order of first sight).
    assert.deepEqual([...ids.values()], [
      "SITE-000001",
      "SITE-000001",
      "SITE-000002",
      "SITE-000002",
    ]);

    // The streaming route reads ahead, allocates in the same KV, and still streams.
    const bytes = await Deno.readFile(join(study, files[2]));
    for (const chunkSize of [100, 7000, bytes.length]) {
      const r = await upload(`${t.url}/api/anonymize?pseudonyms=sequential&prefix=SITE`, bytes, {
        chunkSize,
        headers: AUTH,
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, await Deno.readFile(join(out, files[2])), `chunks of ${chunkSize}`);
    }
    const zip = await upload(`${t.url}/api/anonymize?pseudonyms=sequential&prefix=SITE`, bytes, {
      headers: { ...AUTH, "content-type": "application/zip" },
    });
    assert.equal(zip.status, 400);
    const hash = await upload(`${t.url}/api/anonymize?pseudonyms=hash`, bytes, { headers: AUTH });
    assert.match(top(hash.body).get(0x00100020)!, /^[0-9A-Z]{32}$/);

    // The admin downloads the crosswalk: every original of the four attributes, encrypted.
    const admin = await login(t.url);
    const page = await fetch(`${t.url}/admin/crosswalk`, { headers: { cookie: admin.cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /name="passphrase"/);
    const res = await postExport(t, admin);
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("content-disposition")!,
      /attachment; filename="crosswalk-\d{8}\.csv\.enc"/,
    );
    const csv = new TextDecoder().decode(
      await decryptCrosswalk(new Uint8Array(await res.arrayBuffer()), PASS),
    );
    const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
    const patientId = (f: string) =>
      phi.files[f].find((r: { path: string }) => r.path === "PatientID").value;
    assert.ok(csv.includes(`PatientID,${patientId(files[0])},SITE-000001\r\n`));
    assert.ok(csv.includes(`PatientID,${patientId(files[2])},SITE-000002\r\n`));
    assert.equal(csv.trim().split("\r\n").length, 1 + 2 + 2 + 2 + 2);
    const mismatch = await fetch(`${t.url}/admin/crosswalk/export`, {
      method: "POST",
      headers: { cookie: admin.cookie, origin: t.url, accept: "text/html" },
      body: new URLSearchParams({ csrf: admin.csrf, passphrase: PASS, confirm: PASS + "x" }),
    });
    assert.equal(mismatch.status, 400);
    assert.match(await mismatch.text(), /The two passphrases differ/);

    // Nothing of it reached the log: no original, no pseudonym table, no passphrase.
    const log = t.logs.join("\n");
    const planted = Object.values(phi.strings as Record<string, string[]>).flat();
    for (const s of [...planted.filter((s) => s.length >= 4), PASS, "SITE-00000"]) {
      assert.ok(!log.includes(s), "a value reached the log");
    }
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /admin/crosswalk/export is the admin's only: 403 for tokens and other accounts", async () => {
  const t = await startTestServer(CROSSWALK_ON);
  try {
    const byToken = await fetch(`${t.url}/admin/crosswalk/export`, {
      method: "POST",
      headers: AUTH,
      body: new URLSearchParams({ passphrase: PASS }),
    });
    assert.equal(byToken.status, 403);
    await setPassword(t.kv, "alice", "alice's long password", Date.now());
    const res = await fetch(`${t.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: "alice", password: "alice's long password" }),
      redirect: "manual",
    });
    await res.body?.cancel();
    const cookie = res.headers.get("set-cookie")!.split(";")[0];
    const { csrf } = await (await fetch(`${t.url}/api/session`, { headers: { cookie } })).json();
    const refused = await postExport(t, { cookie, csrf });
    assert.equal(refused.status, 403);
    assert.match((await refused.json()).error, /Only the admin/);
    const page = await fetch(`${t.url}/admin/crosswalk`, { headers: { cookie } });
    assert.equal(page.status, 403);
    assert.doesNotMatch(await page.text(), /name="passphrase"/);
    const home = await (await fetch(`${t.url}/batches`, { headers: { cookie } })).text();
    assert.doesNotMatch(home, /Crosswalk/); // the navigation shows it to the admin only
    const admin = await login(t.url);
    const adminHome = await (await fetch(`${t.url}/batches`, { headers: { cookie: admin.cookie } }))
      .text();
    assert.match(adminHome, /href="\/admin\/crosswalk"/);
    const noCsrf = await postExport(t, { cookie: admin.cookie, csrf: "wrong" });
    assert.equal(noCsrf.status, 403);
    const anonymous = await fetch(`${t.url}/admin/crosswalk/export`, { method: "POST" });
    assert.equal(anonymous.status, 401);
  } finally {
    await t.dispose();
  }
});

Deno.test("GET /admin/crosswalk and the export answer 404 while CROSSWALK_ENABLED is off", async () => {
  const t = await startTestServer();
  try {
    const admin = await login(t.url);
    const page = await fetch(`${t.url}/admin/crosswalk`, { headers: { cookie: admin.cookie } });
    assert.equal(page.status, 404);
    assert.match(await page.text(), /CROSSWALK_ENABLED=true/);
    const res = await postExport(t, admin);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /api/anonymize with sequential pseudonyms survives a client gone mid-header", async () => {
  const t = await startTestServer();
  try {
    const bytes = Deno.readFileSync(
      new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
    );
    await new Promise<void>((resolve) => {
      const req = request(`${t.url}/api/anonymize?pseudonyms=sequential&prefix=SITE`, {
        method: "POST",
        headers: { ...AUTH, "content-length": String(bytes.length) },
        agent: false,
      });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write(bytes.subarray(0, 300), () => setTimeout(() => req.destroy(), 100));
    });
    // The server lives on, allocated nothing for the half header, and serves the next upload.
    const r = await upload(`${t.url}/api/anonymize?pseudonyms=sequential&prefix=SITE`, bytes, {
      chunkSize: 500,
      headers: AUTH,
    });
    assert.equal(r.status, 200);
    assert.equal(top(r.body).get(0x00100020), "SITE-000001");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(t.logs.filter((l) => /"level":"error"/.test(l)), []);
  } finally {
    await t.dispose();
  }
});
