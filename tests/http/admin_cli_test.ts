import assert from "node:assert/strict";
import { join } from "node:path";
import { ADMIN_ACCOUNT, verifyLogin } from "../../core/auth/accounts.ts";
import { login, startTestServer } from "./_harness.ts";

const CLI = `
import { resetAdminPassword } from "${new URL("../../routes/admin_cli.ts", import.meta.url).href}";
Deno.exit(await resetAdminPassword(Deno.args));
`;

Deno.test("resetAdminPassword() writes a new 0600 password and ends admin sessions", async () => {
  const t = await startTestServer();
  const { cookie } = await login(t.url);
  await t.close();
  const script = join(t.dir, "cli.ts");
  await Deno.writeTextFile(script, CLI);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
      env: { DATA_DIR: t.dir, ADMIN_PASSWORD: "" },
      cwd: t.dir,
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const path = join(t.dir, "admin-password");
    assert.match(stdout, /admin-password \(mode 0600\)/);
    const password = (await Deno.readTextFile(path)).trim();
    assert.ok(!stdout.includes(password), "the password itself is never printed");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.match(stdout, /Ended 1 admin session/);
    const kv = await Deno.openKv(join(t.dir, "kv.sqlite3"));
    try {
      assert.equal(await verifyLogin(kv, ADMIN_ACCOUNT, password), true);
    } finally {
      kv.close();
    }
    const again = await startTestServer({ dir: t.dir, env: {} });
    try {
      const res = await fetch(`${again.url}/api/session`, { headers: { cookie } });
      assert.equal(res.status, 401);
      await res.body?.cancel();
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(t.dir, { recursive: true });
  }
});
