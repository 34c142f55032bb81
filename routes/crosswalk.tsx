/**
 * The admin's crosswalk export in the web UI: `GET /admin/crosswalk` (a form: passphrase twice)
 * and `POST /admin/crosswalk/export` (the encrypted `crosswalk-YYYYMMDD.csv.enc` download, the
 * same file as `main.ts crosswalk export`). Only a session of the admin account may use them:
 * other accounts and bearer tokens get 403; with CROSSWALK_ENABLED off they get 404. Nothing of
 * the crosswalk, nor the passphrase, is logged (the request log has method, route and status).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ADMIN_ACCOUNT } from "../core/auth/accounts.ts";
import { authenticate } from "../core/auth/authenticate.ts";
import { CSRF_FIELD, CSRF_HEADER } from "../core/auth/csrf.ts";
import { selfOrigin } from "../core/net/forwarded.ts";
import { exportCrosswalk } from "../core/pseudonyms/crosswalk.ts";
import {
  checkPassphrase,
  CROSSWALK_ITERATIONS,
  encryptCrosswalk,
  MIN_PASSPHRASE_LENGTH,
} from "../core/pseudonyms/crosswalk_crypto.ts";
import { toCsv } from "../core/pseudonyms/csv.ts";
import type { ServerContext } from "./context.ts";
import { authFailure } from "./_middleware/auth.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { pageSession } from "./pages.tsx";
import { renderPage } from "./pages/layout.tsx";

const FORM_LIMIT = 16 * 1024;
const ADMIN_ONLY = "Only the admin account may use the crosswalk";

/** The crosswalk routes (mounted at `/`). */
export function crosswalkRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const enabled = ctx.config.crosswalkEnabled;

  app.get("/admin/crosswalk", async (c) => {
    const session = await pageSession(ctx, c);
    if (!session) return c.redirect("/", 303);
    if (session.account !== ADMIN_ACCOUNT) return c.html(page(session, ADMIN_ONLY, false), 403);
    return c.html(page(session, undefined, enabled), enabled ? 200 : 404);
  });

  const limit = bodyLimit({
    maxSize: FORM_LIMIT,
    onError: (c) => c.json({ error: "Form too large" }, 413),
  });
  app.post("/admin/crosswalk/export", limit, async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => typeof form[name] === "string" ? form[name] as string : "";
    const outcome = await authenticate({
      method: "POST",
      authorization: c.req.header("authorization"),
      cookie: c.req.header("cookie"),
      origin: c.req.header("origin"),
      secFetchSite: c.req.header("sec-fetch-site"),
      csrfToken: c.req.header(CSRF_HEADER) ?? field(CSRF_FIELD),
      selfOrigin: selfOrigin(c.get("client")),
    }, ctx);
    if (!outcome.ok) {
      const f = authFailure(outcome.reason);
      return c.json(f.body, f.status, f.headers);
    }
    if (outcome.via !== "session" || outcome.session.account !== ADMIN_ACCOUNT) {
      return c.json({ error: ADMIN_ONLY }, 403);
    }
    if (!enabled) return c.json({ error: "The crosswalk is off (CROSSWALK_ENABLED)" }, 404);
    const session = { account: outcome.session.account, csrf: outcome.session.csrf };
    const passphrase = field("passphrase");
    const confirm = form.confirm === undefined ? passphrase : field("confirm");
    try {
      if (passphrase !== confirm) throw new RangeError("The two passphrases differ");
      checkPassphrase(passphrase);
    } catch (err) {
      return refuse(c, session, (err as RangeError).message);
    }
    const { rows } = await exportCrosswalk(ctx.kv, ctx.deidKey);
    const file = await encryptCrosswalk(new TextEncoder().encode(toCsv(rows)), passphrase);
    const day = new Date(ctx.clock()).toISOString().slice(0, 10).replaceAll("-", "");
    return c.body(file as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="crosswalk-${day}.csv.enc"`,
    });
  });
  return app;
}

/** A refused export: the page again with the reason (browsers), or JSON (scripts). */
function refuse(c: Context<AppEnv>, session: { account: string; csrf: string }, why: string) {
  if ((c.req.header("accept") ?? "").includes("text/html")) {
    return c.html(page(session, why, true), 400);
  }
  return c.json({ error: why }, 400);
}

function page(session: { account: string; csrf: string }, error: string | undefined, on: boolean) {
  const adminView = session.account === ADMIN_ACCOUNT;
  return renderPage(
    { title: "Crosswalk", session, current: "crosswalk" },
    <>
      <h1>Pseudonym crosswalk</h1>
      {error && <p class="alert" role="alert">{error}</p>}
      {adminView && !on && (
        <p class="card">
          The crosswalk is off: sequential pseudonyms keep no originals. Set{" "}
          <code>CROSSWALK_ENABLED=true</code> (in{" "}
          <code>.env</code>) and restart the server to keep them, encrypted, from then on.
        </p>
      )}
      {adminView && on && (
        <form method="post" action="/admin/crosswalk/export" class="card">
          <p class="hint">
            The original ↔ pseudonym table of every sequential pseudonym whose original was kept, as
            CSV encrypted with AES-256-GCM under this passphrase (PBKDF2-SHA-256,{" "}
            {CROSSWALK_ITERATIONS.toLocaleString("en")}{" "}
            iterations). Keep the passphrase apart from the file; read it back with{" "}
            <code>main.ts crosswalk import FILE.csv.enc</code>.
          </p>
          <input type="hidden" name={CSRF_FIELD} value={session.csrf} />
          <label for="passphrase">Passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
          <input
            id="passphrase"
            name="passphrase"
            type="password"
            autocomplete="new-password"
            minLength={MIN_PASSPHRASE_LENGTH}
            required
          />
          <label for="confirm">Passphrase again</label>
          <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
          <p class="row">
            <button type="submit">Download encrypted crosswalk</button>
          </p>
        </form>
      )}
    </>,
  );
}
