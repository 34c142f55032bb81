import assert from "node:assert/strict";
import { parseDotenv } from "./dotenv.ts";
import { readServerConfig, redactServerConfig, SERVER_ENV_KEYS } from "./server_config.ts";

Deno.test("readServerConfig() applies the documented defaults to an empty env", () => {
  assert.deepEqual(readServerConfig({}), {
    port: 8000,
    host: "127.0.0.1",
    dataDir: "./data",
    kvPath: "data/kv.sqlite3",
    kvUrl: undefined,
    kvAccessToken: undefined,
    adminPassword: undefined,
    apiTokens: [],
    deidKey: undefined,
    crosswalkEnabled: false,
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    lockoutMaxFailures: 5,
    lockoutWindowMinutes: 15,
    maxUploadBytes: 4294967296,
    batchTtlHours: 24,
    trustedProxies: [],
    logLevel: "info",
    dimse: {
      port: undefined,
      aeTitle: "DEID",
      callingAeTitles: [],
      maxAssociations: 8,
      idleSeconds: 300,
      settings: "",
      forwardTo: undefined,
      forwardToken: undefined,
    },
    domain: undefined,
    traefikCertResolver: undefined,
  });
});

Deno.test("readServerConfig() reads every variable and lets flags win", () => {
  const c = readServerConfig({
    PORT: "9000",
    HOST: "0.0.0.0",
    DATA_DIR: "/srv/deid",
    KV_URL: "https://api.deno.com/databases/x/connect",
    DENO_KV_ACCESS_TOKEN: "tok",
    ADMIN_PASSWORD: "pw",
    API_TOKENS: " a , ,b,",
    DEID_KEY: "k",
    SESSION_IDLE_MINUTES: "5",
    SESSION_MAX_HOURS: "1",
    LOCKOUT_MAX_FAILURES: "3",
    LOCKOUT_WINDOW_MINUTES: "60",
    MAX_UPLOAD_BYTES: "1024",
    BATCH_TTL_HOURS: "2",
    TRUSTED_PROXIES: "10.0.0.0/8, ::1,192.168.1.2",
    LOG_LEVEL: "DEBUG",
    DOMAIN: "deid.example.org",
    TRAEFIK_CERT_RESOLVER: "le",
  }, { port: 0, host: "::" });
  assert.equal(c.port, 0);
  assert.equal(c.host, "::");
  assert.equal(c.kvPath, "/srv/deid/kv.sqlite3");
  assert.equal(c.kvUrl, "https://api.deno.com/databases/x/connect");
  assert.deepEqual([c.kvAccessToken, c.adminPassword, c.deidKey], ["tok", "pw", "k"]);
  assert.deepEqual(c.apiTokens, ["a", "b"]);
  assert.deepEqual(
    [c.sessionIdleMinutes, c.sessionMaxHours, c.lockoutMaxFailures, c.lockoutWindowMinutes],
    [5, 1, 3, 60],
  );
  assert.equal(c.maxUploadBytes, 1024);
  assert.equal(c.batchTtlHours, 2);
  assert.deepEqual(c.trustedProxies, ["10.0.0.0/8", "::1", "192.168.1.2"]);
  assert.equal(c.logLevel, "debug");
  assert.deepEqual([c.domain, c.traefikCertResolver], ["deid.example.org", "le"]);
});

Deno.test("readServerConfig() prefers an explicit KV_PATH and treats empty values as unset", () => {
  const c = readServerConfig({ KV_PATH: "/tmp/x.sqlite3", PORT: "", ADMIN_PASSWORD: " " });
  assert.equal(c.kvPath, "/tmp/x.sqlite3");
  assert.equal(c.port, 8000);
  assert.equal(c.adminPassword, undefined);
});

Deno.test("readServerConfig() rejects bad values with RangeError naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "65536" }, /^PORT must be 0 to 65535 \(got "65536"\)$/],
    [{ PORT: "8e3" }, /^PORT /],
    [{ SESSION_IDLE_MINUTES: "0" }, /^SESSION_IDLE_MINUTES must be an integer ≥ 1/],
    [{ MAX_UPLOAD_BYTES: "-1" }, /^MAX_UPLOAD_BYTES /],
    [{ BATCH_TTL_HOURS: "1.5" }, /^BATCH_TTL_HOURS /],
    [{ LOCKOUT_MAX_FAILURES: "99999999999999999999" }, /^LOCKOUT_MAX_FAILURES /],
    [{ LOG_LEVEL: "verbose" }, /^LOG_LEVEL must be one of debug, info, warn, error/],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, /^TRUSTED_PROXIES entry "10\.0\.0\.0\/33"/],
    [{ TRUSTED_PROXIES: "proxy.local" }, /^TRUSTED_PROXIES /],
    [{ TRUSTED_PROXIES: "::1/129" }, /^TRUSTED_PROXIES /],
    [{ KV_URL: "file:///secret-path" }, /^KV_URL must be an http\(s\) URL$/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => readServerConfig(env), (err: unknown) => {
      assert.ok(err instanceof RangeError, JSON.stringify(env));
      assert.match(err.message, message);
      return true;
    });
  }
  assert.throws(() => readServerConfig({}, { port: 70000 }), /--port must be an integer/);
  assert.throws(() => readServerConfig({}, { host: " " }), /HOST must not be empty/);
});

Deno.test("redactServerConfig() hides every secret value", () => {
  const config = readServerConfig({
    DENO_KV_ACCESS_TOKEN: "s3cret-kv",
    ADMIN_PASSWORD: "s3cret-pw",
    API_TOKENS: "s3cret-a,s3cret-b",
    DEID_KEY: "s3cret-deid-key-0123",
  });
  const text = JSON.stringify(redactServerConfig(config));
  assert.doesNotMatch(text, /s3cret/);
  assert.match(text, /"adminPassword":"\(set\)"/);
  assert.match(text, /"apiTokens":"2 token\(s\)"/);
  assert.match(text, /"port":8000/);
});

Deno.test("readServerConfig() gets the defaults from .env.example, which lists every key", async () => {
  const text = await Deno.readTextFile(new URL("../../.env.example", import.meta.url));
  const env = parseDotenv(text);
  assert.deepEqual(Object.keys(env), [...SERVER_ENV_KEYS]);
  assert.deepEqual(readServerConfig(env), readServerConfig({}));
});
