/**
 * The screens as complete HTML documents: sign-in, Anonymize, Batches, one batch, Status.
 * Each is a server-rendered island (islands/), so it reads and mostly works before and
 * without JavaScript.
 */
import Anonymize from "../../islands/Anonymize.tsx";
import Batches from "../../islands/Batches.tsx";
import BatchView from "../../islands/BatchView.tsx";
import Login from "../../islands/Login.tsx";
import Status, { type StatusInfo } from "../../islands/Status.tsx";
import type { BatchFileView, BatchSummary } from "../../islands/lib/batch_types.ts";
import type { Settings } from "../../islands/lib/settings.ts";
import { anonymizeCatalog, UI_DEFAULT_PROFILE } from "./catalog.ts";
import { Island } from "./island.tsx";
import { renderPage } from "./layout.tsx";

/** The signed-in user as the pages need it. */
export interface PageSession {
  account: string;
  csrf: string;
}

/**
 * The sign-in page; `message` explains a failed attempt. A lockout message from the session
 * routes ("… try again in N s") also starts the island's countdown.
 */
export function loginPageHtml(message?: string): string {
  const wait = /try again in (\d+) s/.exec(message ?? "")?.[1];
  const props = { message, retryAfter: wait ? Number(wait) : undefined };
  return renderPage({ title: "Sign in" }, <Island name="Login" component={Login} props={props} />);
}

/** The main screen; `error` explains why a no-JS upload was refused, `settings` are kept. */
export function anonymizePageHtml(
  session: PageSession,
  error?: string,
  settings?: Settings,
): string {
  const props = {
    csrf: session.csrf,
    catalog: anonymizeCatalog(),
    defaultProfile: UI_DEFAULT_PROFILE,
    ...(error ? { error } : {}),
    ...(settings ? { settings } : {}),
  };
  return renderPage(
    { title: "Anonymize", session, current: "anonymize" },
    <>
      <h1>Anonymize DICOM files</h1>
      <Island name="Anonymize" component={Anonymize} props={props} />
    </>,
  );
}

/** The batch list. */
export function batchesPageHtml(
  session: PageSession,
  batches: BatchSummary[],
  now: number,
): string {
  return renderPage(
    { title: "Batches", session, current: "batches" },
    <>
      <h1>Batches</h1>
      <p class="hint">
        Anonymized files stay here until their batch expires; each upload extends its life.
      </p>
      <Island name="Batches" component={Batches} props={{ batches, now, csrf: session.csrf }} />
    </>,
  );
}

/** One opened batch. */
export function batchPageHtml(
  session: PageSession,
  batch: BatchSummary,
  files: BatchFileView[],
  now: number,
): string {
  return renderPage(
    { title: `Batch ${batch.id.slice(0, 8)}`, session, current: "batches" },
    <>
      <p class="crumbs">
        <a href="/batches">Batches</a> / {batch.id.slice(0, 8)}
      </p>
      <h1>Batch {batch.id.slice(0, 8)}</h1>
      <Island
        name="BatchView"
        component={BatchView}
        props={{ batch, files, now, csrf: session.csrf }}
      />
    </>,
  );
}

/** A batch that does not exist (any more). */
export function missingBatchHtml(session: PageSession): string {
  return renderPage(
    { title: "No such batch", session, current: "batches" },
    <>
      <h1>No such batch</h1>
      <p class="card">
        This batch does not exist or has expired. See the <a href="/batches">list of batches</a>.
      </p>
    </>,
  );
}

/** The administrator's status page. */
export function statusPageHtml(session: PageSession, status: StatusInfo): string {
  return renderPage(
    { title: "Status", session, current: "status" },
    <>
      <h1>Server status</h1>
      <Island name="Status" component={Status} props={{ status }} />
    </>,
  );
}
