/**
 * `POST /upload`: the no-JavaScript path of the Anonymize screen. One multipart form (CSRF
 * token, settings, optional rules file, then one DICOM file) is parsed as it streams; the
 * file part goes through the same de-identification pipeline as `POST /api/anonymize`, and
 * the anonymized bytes flow back as a download while the upload is still arriving. Problems
 * found before the first output byte come back as the Anonymize page with a plain message.
 */
import { uploadBody } from "./raw_body.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import type { Readable } from "node:stream";
import { CSRF_FIELD, csrfMatches, isSameOrigin } from "../core/auth/csrf.ts";
import { readCookie, SESSION_COOKIE } from "../core/auth/authenticate.ts";
import type { Session } from "../core/auth/sessions.ts";
import { deidentifierFor, parseAnonymizeParams } from "../core/anonymize/params.ts";
import type { FileJob } from "../core/deid/mod.ts";
import { UploadTooLargeError } from "../core/limits/errors.ts";
import { selfOrigin } from "../core/net/forwarded.ts";
import { type Settings, settingsFromForm, settingsQuery } from "../islands/lib/settings.ts";
import type { ServerContext } from "./context.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { httpErrorOf } from "./_middleware/errors.ts";
import { annotate } from "./_middleware/request_log.ts";
import { anonymizePageHtml, type PageSession } from "./pages/screens.tsx";
import { UI_DEFAULT_PROFILE } from "./pages/catalog.ts";
import { formParts, readSmallText } from "./upload_form_parts.ts";

const MAX_DICTIONARY_BYTES = 1024 * 1024;

/** The `/upload` route. */
export function uploadFormRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/upload", async (c) => {
    annotate(c.env.incoming, { route: "/upload" });
    const found = await ctx.sessions.get(readCookie(c.req.header("cookie"), SESSION_COOKIE));
    if (!found) return c.redirect("/", 303);
    const session = { account: found.account, csrf: found.csrf };
    const same = isSameOrigin({
      origin: c.req.header("origin"),
      secFetchSite: c.req.header("sec-fetch-site"),
      selfOrigin: selfOrigin(c.get("client")),
    });
    if (!same) return refuse(c, session, 403, "Cross-site upload refused.");
    const fields: [string, string][] = [];
    try {
      return await handle(c, ctx, found, fields);
    } catch (err) {
      const mapped = httpErrorOf(err);
      const settings = settingsFromForm(fields, UI_DEFAULT_PROFILE);
      return refuse(c, session, mapped.status, plain(mapped.status, mapped.body), settings);
    }
  });
  return app;
}

/** Reads the form into `fields` (the caller shows them again on failure) and answers. */
async function handle(
  c: Context<AppEnv>,
  ctx: ServerContext,
  session: Session,
  fields: [string, string][],
) {
  const body = uploadBody(c.env.incoming, c.req.raw.body);
  if (!body) throw new RangeError("Expected a multipart/form-data body");
  let csrfOk = false;
  let dictionary: string | null = null;
  for await (const part of formParts(body, c.req.header())) {
    if (part.kind === "field") {
      if (part.name === CSRF_FIELD) csrfOk = csrfMatches(session, part.value);
      else fields.push([part.name, part.value]);
      continue;
    }
    // The token comes first in the form: no file byte is read for a forged request.
    if (!csrfOk) {
      part.stream.resume();
      const page = { account: session.account, csrf: session.csrf };
      return refuse(c, page, 403, "The form has expired; reload the page and try again.");
    }
    if (part.name === "dictionary" && part.filename !== "") {
      dictionary = await readSmallText(part.stream, MAX_DICTIONARY_BYTES, "The rules file");
    } else if (part.name === "file" && part.filename !== "") {
      const settings = { ...settingsFromForm(fields, UI_DEFAULT_PROFILE), dictionary };
      const deid = deidentifierFor(parseAnonymizeParams(settingsQuery(settings)), ctx.deidKey);
      return await anonymized(part.stream, deid.start(), ctx.config.maxUploadBytes, part.filename);
    } else part.stream.resume();
  }
  throw new RangeError("Choose a DICOM file to anonymize.");
}

/**
 * Reads until the pipeline yields its first output (a non-DICOM or broken header throws
 * before that, while an error page can still be sent), then streams the rest.
 */
async function anonymized(stream: Readable, job: FileJob, max: number, filename: string) {
  const input = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let bytes = 0;
  const take = (chunk: Uint8Array) => {
    bytes += chunk.length;
    if (bytes > max) throw new UploadTooLargeError("Upload", max);
    return job.pipeline.push(chunk).filter((c) => c.length > 0);
  };
  let first: Uint8Array[] = [];
  let ended = false;
  while (first.length === 0 && !ended) {
    const r = await input.next();
    if (r.done) {
      first = job.pipeline.finish();
      ended = true;
    } else first = take(r.value);
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* first;
    if (ended) return;
    for (let r = await input.next(); !r.done; r = await input.next()) yield* take(r.value);
    yield* job.pipeline.finish();
  }
  return new Response(ReadableStream.from(rest()), {
    headers: {
      "content-type": "application/dicom",
      "content-disposition": attachment(`anonymized-${filename.split(/[\\/]/).pop()}`),
    },
  });
}

function refuse(
  c: Context<AppEnv>,
  session: PageSession,
  status: number,
  message: string,
  settings?: Settings,
) {
  return c.html(anonymizePageHtml(session, message, settings), status as 400);
}

/** The mapped error as one sentence for the page (its text never holds a DICOM value). */
function plain(status: number, body: { error: string; tag?: string }): string {
  if (status >= 500) return "The server could not anonymize this file. Please try again.";
  if (body.error.startsWith("Not DICOM")) {
    return "This file is not DICOM, so there is nothing to anonymize.";
  }
  if (status === 400) return `The upload was refused: ${body.error}`;
  if (status === 413) return `The file is too large: ${body.error}`;
  return `This file could not be anonymized: ${body.error}${body.tag ? ` (tag ${body.tag})` : ""}`;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
