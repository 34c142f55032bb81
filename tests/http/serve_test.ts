import assert from "node:assert/strict";
import { join } from "node:path";

const SCRIPT = `
import { serve } from "${new URL("../../routes/serve.ts", import.meta.url).href}";
await serve(Deno.args);
`;

Deno.test("serve() generates the admin password file, prints only its path, stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-serve-" });
  const script = join(dir, "serve.ts");
  await Deno.writeTextFile(script, SCRIPT);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      script,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
    ],
    env: { DATA_DIR: join(dir, "data"), ADMIN_PASSWORD: "", DEID_KEY: "", LOG_LEVEL: "info" },
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/Listening on (\S+)/.test(out)) {
      const r = await reader.read();
      if (r.done) break;
      out += r.value;
    }
    const url = /Listening on (\S+)/.exec(out)?.[1];
    assert.ok(url, out);
    const path = join(dir, "data", "admin-password");
    assert.match(out, new RegExp(`Admin password generated: see ${path} \\(mode 0600\\)`));
    const password = (await Deno.readTextFile(path)).trim();
    assert.ok(!out.includes(password));
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.ok((await Deno.stat(join(dir, "data", "kv.sqlite3"))).isFile);
    const health = await fetch(`${url}health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const login = await fetch(`${url}login`, {
      method: "POST",
      body: new URLSearchParams({ password }),
      redirect: "manual",
    });
    assert.equal(login.status, 303);
    await login.body?.cancel();
    child.kill("SIGTERM");
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    assert.equal((await child.status).code, 0);
  } finally {
    await child.stderr.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await Deno.remove(dir, { recursive: true });
  }
});
