/**
 * Faults (b): `main.ts serve` killed with SIGKILL while uploads are half-written, then started
 * again on the same DATA_DIR and KV file. Sessions and lockout counters must survive, nothing
 * half-written may be listed or served as complete, and the orphaned temp files must be gone
 * by the time the new process listens.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { makeStudy } from "../support/anonymize_tree.ts";
import {
  BEARER,
  dataFiles,
  openRequest,
  PASSWORD,
  type ServeProcess,
  sleep,
  spawnServe,
  waitFor,
} from "./_util.ts";
import { buildZip } from "./_zip.ts";

const ENV = { LOCKOUT_MAX_FAILURES: "3" };

async function login(url: string, password: string) {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ password }),
    redirect: "manual",
  });
  await res.body?.cancel();
  return { status: res.status, cookie: res.headers.get("set-cookie")?.split(";")[0] };
}

async function json(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
}

Deno.test("startServer() after a SIGKILL mid-upload keeps sessions and counters, and sweeps orphans", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-crash-" });
  let server: ServeProcess | undefined;
  try {
    const study = await makeStudy(join(dir, "study"), [
      ...["--patients", "1", "--studies", "1", "--series", "1", "--images", "2"],
      ...["--rows", "1024", "--cols", "1024"], // ~2 MB each
    ]);
    const [small, big] = [...Deno.readDirSync(study)].filter((e) => e.name.endsWith(".dcm"))
      .map((e) => Deno.readFileSync(join(study, e.name)));
    const data = join(dir, "data");
    await Deno.mkdir(data);
    server = await spawnServe(data, ENV);
    const first = server.url;

    // A session, and two failed logins against a limit of three.
    const session = await login(first, PASSWORD);
    assert.equal(session.status, 303);
    const cookie = { cookie: session.cookie! };
    const before = await json(`${first}/api/session`, cookie);
    assert.equal(before.status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await login(first, `wrong-${i}`)).status, 401);

    // One complete file, then one upload cut off half-way, and a ZIP upload half-spooled.
    const created = await fetch(`${first}/api/batches`, { method: "POST", headers: BEARER });
    const batch = (await created.json()).id as string;
    const done = await fetch(`${first}/api/batches/${batch}/files/s/IM0001.dcm`, {
      method: "PUT",
      headers: BEARER,
      body: small,
    });
    assert.equal(done.status, 201);
    await done.body?.cancel();
    const half = openRequest(`${first}/api/batches/${batch}/files/s/IM0002.dcm`, "PUT", {
      ...BEARER,
      "content-length": String(big.length),
    });
    await half.write(big.subarray(0, big.length >> 1));
    const spooling = openRequest(`${first}/api/anonymize`, "POST", {
      ...BEARER,
      "content-type": "application/zip",
      "content-length": String(10 << 20),
    });
    await spooling.write(buildZip([{ name: "a.dcm", data: small }]));
    const temps = () => dataFiles(data).filter((f) => f.endsWith(".part"));
    await waitFor("both temp files", () => temps().length === 2);
    await waitFor("the half upload to be listed as processing", async () => {
      const s = await json(`${first}/api/batches/${batch}`, BEARER);
      return s.body.counts.processing === 1;
    });

    await server.kill();
    await Promise.all([half.answer, spooling.answer]); // both connections died with it
    const orphans = temps();
    assert.equal(orphans.length, 2, "SIGKILL left the temp files behind");
    // The start-up sweep spares files younger than 2 s (a live writer may be between create
    // and lock): a restart right after a crash catches up at the next periodic sweep.
    await sleep(2_100);

    server = await spawnServe(data, ENV);
    const url = server.url;
    assert.deepEqual(temps(), [], "orphans removed before the new process listened");
    const after = await json(`${url}/api/session`, cookie);
    assert.equal(after.status, 200, "the session survived");
    assert.equal(after.body.csrf, before.body.csrf);
    assert.equal((await login(url, "wrong-2")).status, 401, "third failure: still allowed");
    assert.equal((await login(url, PASSWORD)).status, 429, "the count survived: locked now");

    const listed = await json(`${url}/api/batches/${batch}`, BEARER);
    const byPath = Object.fromEntries(
      listed.body.files.map((f: { path: string; status: string }) => [f.path, f.status]),
    );
    assert.deepEqual(byPath, { "s/IM0001.dcm": "done", "s/IM0002.dcm": "failed" });
    const cut = await fetch(`${url}/api/batches/${batch}/files/s/IM0002.dcm`, { headers: BEARER });
    assert.equal(cut.status, 404, "the half-written file is never served");
    await cut.body?.cancel();
    const zip = await fetch(`${url}/api/batches/${batch}/zip`, { headers: BEARER });
    const names = Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer())));
    assert.deepEqual(names, ["s/IM0001.dcm"]);
    const kept = dataFiles(data).filter((f) => f.startsWith("batches/"));
    assert.deepEqual(
      kept.filter((f) => !f.startsWith(`batches/${batch}/manifest/`)),
      [`batches/${batch}/files/s/IM0001.dcm`],
    );
    // One manifest record, the finished file's: the killed upload left none.
    assert.equal(kept.filter((f) => f.startsWith(`batches/${batch}/manifest/`)).length, 1);
    assert.equal(await server.stop(), 0);
    server = undefined;
  } finally {
    await server?.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
