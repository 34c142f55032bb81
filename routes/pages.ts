/**
 * Placeholder server-rendered pages (no JavaScript): a login form, or "signed in" with a
 * logout form carrying the session's CSRF token; the real UI comes later. Written with `h()`
 * rather than JSX because deno.json's `"preact/"` mapping does not resolve
 * `preact/jsx-runtime` (it needs `npm:/preact@…/`).
 */
import { h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { Hono } from "hono";
import { readCookie, SESSION_COOKIE } from "../core/auth/authenticate.ts";
import { CSRF_FIELD } from "../core/auth/csrf.ts";
import type { ServerContext } from "./context.ts";
import type { AppEnv } from "./_middleware/env.ts";

/** Renders a page body into a complete HTML document. */
export function htmlDocument(title: string, body: VNode): string {
  return "<!doctype html>" + renderToString(
    h("html", { lang: "en" }, [
      h("head", null, [
        h("meta", { charset: "utf-8" }),
        h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
        h("title", null, title),
      ]),
      h("body", null, body),
    ]),
  );
}

/** The login page as HTML; `message` explains a failed attempt. */
export function loginPageHtml(message?: string): string {
  return htmlDocument(
    "Sign in",
    h("main", null, [
      h("h1", null, "DICOM anonymizer"),
      message ? h("p", { role: "alert" }, message) : null,
      h("form", { method: "post", action: "/login" }, [
        h("label", null, [
          "Password ",
          h("input", {
            type: "password",
            name: "password",
            autocomplete: "current-password",
            required: true,
          }),
        ]),
        h("button", { type: "submit" }, "Sign in"),
      ]),
    ]),
  );
}

function signedInHtml(account: string, csrf: string): string {
  return htmlDocument(
    "DICOM anonymizer",
    h("main", null, [
      h("h1", null, "DICOM anonymizer"),
      h("p", null, `Signed in as ${account}.`),
      h("form", { method: "post", action: "/logout" }, [
        h("input", { type: "hidden", name: CSRF_FIELD, value: csrf }),
        h("button", { type: "submit" }, "Sign out"),
      ]),
    ]),
  );
}

/** `GET /`: the sign-in form, or a signed-in notice with a sign-out button. */
export function pageRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const session = await ctx.sessions.get(readCookie(c.req.header("cookie"), SESSION_COOKIE));
    return c.html(session ? signedInHtml(session.account, session.csrf) : loginPageHtml());
  });
  return app;
}
