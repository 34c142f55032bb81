/**
 * Kept only so `routes/session.ts`, which imports the sign-in page from "./pages.ts", keeps
 * resolving while the server engineer owns that file; the pages live in `pages.tsx`.
 * Delete this file once session.ts imports from "./pages.tsx".
 */
export { loginPageHtml, pageRoutes } from "./pages.tsx";
