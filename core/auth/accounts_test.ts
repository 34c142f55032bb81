import assert from "node:assert/strict";
import { join } from "node:path";
import { ADMIN_ACCOUNT, ensureAdminPassword, verifyLogin } from "./accounts.ts";

async function withKv(f: (kv: Deno.Kv, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(join(dir, "kv.sqlite3"));
  try {
    await f(kv, dir);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ensureAdminPassword() generates a 0600 password file once", () =>
  withKv(async (kv, dir) => {
    const first = await ensureAdminPassword(kv, { dataDir: dir, now: 0 });
    assert.equal(first.kind, "generated");
    const path = first.kind === "generated" ? first.path : "";
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const password = (await Deno.readTextFile(path)).trim();
    assert.equal(await verifyLogin(kv, ADMIN_ACCOUNT, password), true);
    assert.equal(await verifyLogin(kv, ADMIN_ACCOUNT, "wrong"), false);
    assert.equal((await ensureAdminPassword(kv, { dataDir: dir, now: 1 })).kind, "existing");
    assert.equal((await Deno.readTextFile(path)).trim(), password);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["admin-password", "kv.sqlite3", "kv.sqlite3-shm", "kv.sqlite3-wal"]);
  }));

Deno.test("ensureAdminPassword() lets ADMIN_PASSWORD replace the stored hash", () =>
  withKv(async (kv, dir) => {
    await ensureAdminPassword(kv, { dataDir: dir, now: 0 });
    assert.equal(
      (await ensureAdminPassword(kv, { password: "s3cret!", dataDir: dir, now: 1 })).kind,
      "env",
    );
    assert.equal(await verifyLogin(kv, ADMIN_ACCOUNT, "s3cret!"), true);
    assert.equal(await verifyLogin(kv, "nobody", "s3cret!"), false);
  }));
