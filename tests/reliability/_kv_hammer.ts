/**
 * Child process of kv_contention_test.ts: `deno run -A _kv_hammer.ts KV_PATH N GO_FILE`
 * prints READY, waits for GO_FILE (so both children start together), registers N login
 * attempts for one IP and one account on the shared KV file as fast as it can, and prints
 * "DONE <allowed> <locked>", where <locked> counts the "database is locked" errors that
 * `withKvRetry()` had to absorb.
 */
import { Lockout } from "../../core/auth/lockout.ts";
import { isDatabaseLocked } from "../../core/kv/retry.ts";

const [path, count, go] = Deno.args;
const real = await Deno.openKv(path);
let locked = 0;
const counting = <T>(p: Promise<T>) =>
  p.catch((err) => {
    if (isDatabaseLocked(err)) locked++;
    throw err;
  });
// The same KV, with its failures counted on the way to the retry loop.
const kv = new Proxy(real, {
  get(target, prop) {
    if (prop === "getMany") {
      return (...a: Parameters<Deno.Kv["getMany"]>) => counting(target.getMany(...a));
    }
    if (prop === "atomic") {
      return () => {
        const op = target.atomic();
        const commit = op.commit.bind(op);
        op.commit = () => counting(commit());
        return op;
      };
    }
    const v = Reflect.get(target, prop);
    return typeof v === "function" ? v.bind(target) : v;
  },
});
const lockout = new Lockout({
  kv,
  clock: Date.now,
  maxFailures: 1_000_000, // never locks: every attempt must be counted
  windowMs: 3600_000,
});
console.log("READY");
while (!(await Deno.stat(go).then(() => true, () => false))) {
  await new Promise((r) => setTimeout(r, 5));
}
let allowed = 0;
for (let i = 0; i < Number(count); i++) {
  if ((await lockout.attempt("192.0.2.1", "admin")).allowed) allowed++;
}
real.close();
console.log(`DONE ${allowed} ${locked}`);
