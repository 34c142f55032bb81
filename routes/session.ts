/**
 * Login, logout and session introspection. `POST /login` takes a bare `password` form field
 * (scripts and the no-JS form), counts the attempt against the per-IP and per-account
 * lockout *before* checking the password, and answers 303 + cookie, 401, or 429.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { readCookie, SESSION_COOKIE, sessionCookie } from "../core/auth/authenticate.ts";
import { ADMIN_ACCOUNT, verifyLogin } from "../core/auth/accounts.ts";
import { CSRF_FIELD, CSRF_HEADER, csrfMatches, isSameOrigin } from "../core/auth/csrf.ts";
import { selfOrigin } from "../core/net/forwarded.ts";
import type { ServerContext } from "./context.ts";
import { requireAuth } from "./_middleware/auth.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { loginPageHtml } from "./pages.ts";

const FORM_LIMIT = 16 * 1024;
const ACCOUNT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** `POST /login`, `POST /logout`, `GET /api/session`. */
export function sessionRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = bodyLimit({
    maxSize: FORM_LIMIT,
    onError: (c) => c.json({ error: "Form too large" }, 413),
  });

  app.post("/login", limit, async (c) => {
    const client = c.get("client");
    const facts = { origin: c.req.header("origin"), secFetchSite: c.req.header("sec-fetch-site") };
    if (!isSameOrigin({ ...facts, selfOrigin: selfOrigin(client) })) {
      return c.json({ error: "Cross-site login refused" }, 403);
    }
    const form = await c.req.parseBody();
    const password = form.password;
    const account = typeof form.username === "string" && form.username !== ""
      ? form.username
      : ADMIN_ACCOUNT;
    if (typeof password !== "string" || password === "" || !ACCOUNT_NAME.test(account)) {
      return c.json({ error: "Form fields: password (required), username (optional)" }, 400);
    }
    const wantsHtml = (c.req.header("accept") ?? "").includes("text/html");
    const verdict = await ctx.lockout.attempt(client.ip, account);
    if (!verdict.allowed) {
      const retry = String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)));
      const message = `Too many attempts; try again in ${retry} s`;
      c.header("retry-after", retry);
      return wantsHtml ? c.html(loginPageHtml(message), 429) : c.json({ error: message }, 429);
    }
    if (!(await verifyLogin(ctx.kv, account, password))) {
      return wantsHtml
        ? c.html(loginPageHtml("Wrong password"), 401)
        : c.json({ error: "Wrong username or password" }, 401);
    }
    await ctx.lockout.succeeded(client.ip, account);
    const { id } = await ctx.sessions.create(account);
    c.header("set-cookie", sessionCookie(id, { secure: client.secure }));
    return c.redirect("/", 303);
  });

  app.post("/logout", limit, async (c) => {
    const client = c.get("client");
    const id = readCookie(c.req.header("cookie"), SESSION_COOKIE);
    const session = await ctx.sessions.get(id);
    if (session) {
      const form = await c.req.parseBody();
      const token = c.req.header(CSRF_HEADER) ?? form[CSRF_FIELD];
      const same = isSameOrigin({
        origin: c.req.header("origin"),
        secFetchSite: c.req.header("sec-fetch-site"),
        selfOrigin: selfOrigin(client),
      });
      if (!same || !csrfMatches(session, typeof token === "string" ? token : undefined)) {
        return c.json({ error: "Missing or wrong CSRF token" }, 403);
      }
      await ctx.sessions.destroy(id);
    }
    c.header("set-cookie", sessionCookie("", { secure: client.secure, maxAgeSec: 0 }));
    return c.redirect("/", 303);
  });

  app.get("/api/session", requireAuth(ctx), (c) => {
    const auth = c.get("auth");
    if (auth.via === "token") return c.json({ via: "token" });
    const s = auth.session;
    return c.json({ via: "session", account: s.account, csrf: s.csrf, expiresAt: s.expiresAt });
  });
  return app;
}
