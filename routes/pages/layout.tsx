/**
 * The HTML document around every screen: head (stylesheet, icon, the one module script),
 * header with navigation and the sign-out form (a plain POST, so it works without
 * JavaScript), and the main landmark. No inline script or style (CSP `default-src 'self'`).
 */
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { CSRF_FIELD } from "../../core/auth/csrf.ts";
import { ADMIN_ACCOUNT } from "../../core/auth/accounts.ts";

/** The screens a signed-in user can switch between. */
export type Screen = "anonymize" | "batches" | "status" | "crosswalk";

const NAV: readonly [Screen, string, string][] = [
  ["anonymize", "/", "Anonymize"],
  ["batches", "/batches", "Batches"],
  ["status", "/status", "Status"],
  ["crosswalk", "/admin/crosswalk", "Crosswalk"],
];
/** Screens shown to the admin account only (routes/crosswalk.tsx). */
const ADMIN_SCREENS: readonly Screen[] = ["crosswalk"];

/** What a page needs besides its body. */
export interface PageOptions {
  title: string;
  /** Signed-in pages get the navigation and a sign-out form carrying this CSRF token. */
  session?: { account: string; csrf: string };
  current?: Screen;
}

/** Renders a complete HTML document. */
export function renderPage(opts: PageOptions, body: ComponentChildren): string {
  return "<!doctype html>" + renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        {
          /* The server's `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` with
            form posts, which the same-origin check refuses; same-origin keeps referrers home. */
        }
        <meta name="referrer" content="same-origin" />
        <title>{`${opts.title} · DICOM anonymizer`}</title>
        <link rel="icon" href="/favicon.ico" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        <script type="module" src="/static/build/lib/hydrate.js" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">DICOM anonymizer</a>
          {opts.session && (
            <nav aria-label="Main">
              {NAV.filter(([id]) =>
                opts.session?.account === ADMIN_ACCOUNT || !ADMIN_SCREENS.includes(id)
              ).map(([id, href, label]) => (
                <a key={id} href={href} aria-current={opts.current === id ? "page" : undefined}>
                  {label}
                </a>
              ))}
            </nav>
          )}
          {opts.session && (
            <form method="post" action="/logout" class="logout">
              <span class="who">Signed in as {opts.session.account}</span>
              <input type="hidden" name={CSRF_FIELD} value={opts.session.csrf} />
              <button type="submit" class="secondary small">Sign out</button>
            </form>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          {body}
        </main>
      </body>
    </html>,
  );
}
