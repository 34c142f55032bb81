/**
 * One file's PUT into a batch (`PUT /api/batches/:id/files/*path`), by XMLHttpRequest because
 * `fetch()` reports no upload progress. The answer is turned into a state the file list shows
 * and a plain reason; reasons come from the API's `{error, tag, offset}`, never a DICOM value.
 */

/** Where a file stands in the Anonymize list. */
export type FileState = "queued" | "uploading" | "anonymizing" | "done" | "skipped" | "failed";

/** The end of one upload. */
export interface UploadOutcome {
  readonly state: "done" | "skipped" | "failed";
  readonly reason?: string;
}

/** Callbacks of {@link putFile}. */
export interface UploadHooks {
  /** Bytes sent so far, 0..100. */
  onProgress(percent: number): void;
  /** Every byte is sent; the server is finishing the anonymization. */
  onSent(): void;
}

/** The URL of a batch file: each path segment percent-encoded, slashes kept. */
export function fileUrl(batchId: string, path: string): string {
  return `/api/batches/${batchId}/files/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** Uploads `file` under `path`; resolves with the outcome (never rejects). */
export function putFile(
  batchId: string,
  path: string,
  file: Blob,
  csrf: string,
  hooks: UploadHooks,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", fileUrl(batchId, path));
    xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) {
        hooks.onProgress(Math.floor((e.loaded / e.total) * 100));
      }
    };
    xhr.upload.onload = () => hooks.onSent();
    xhr.onload = () => resolve(outcomeOf(xhr.status, xhr.responseText));
    xhr.onerror = () =>
      resolve({ state: "failed", reason: "The connection to the server was lost" });
    xhr.onabort = () => resolve({ state: "failed", reason: "Upload cancelled" });
    xhr.send(file);
  });
}

interface ApiAnswer {
  error?: string;
  tag?: string;
  offset?: number;
  file?: { status?: string; error?: { message?: string; tag?: string; offset?: number } };
}

/** Maps a status and JSON body of the batch PUT route to a state and a plain reason. */
export function outcomeOf(status: number, body: string): UploadOutcome {
  let answer: ApiAnswer = {};
  try {
    answer = JSON.parse(body);
  } catch { /* not JSON: the status alone decides */ }
  if (status === 201) return { state: "done" };
  const detail = answer.file?.error ??
    { message: answer.error, tag: answer.tag, offset: answer.offset };
  if (status === 415) return { state: "skipped", reason: skipReason(detail.message) };
  if (status === 422) {
    return { state: "failed", reason: `Damaged or unsupported DICOM: ${where(detail)}` };
  }
  const plain: Record<number, string> = {
    400: `The server refused this file name or setting: ${answer.error ?? "bad request"}`,
    401: "Your session has ended; sign in again",
    403: "The server refused the request (reload the page and try again)",
    404: "This batch no longer exists (it may have expired)",
    413: "The file is larger than the server accepts",
  };
  return { state: "failed", reason: plain[status] ?? `Server error (HTTP ${status})` };
}

function skipReason(message: string | undefined): string {
  if (!message || message.startsWith("Not DICOM")) return "Not a DICOM file";
  return message;
}

function where(d: { message?: string; tag?: string; offset?: number }): string {
  const at = [d.tag ? `tag ${d.tag}` : "", d.offset !== undefined ? `byte ${d.offset}` : ""]
    .filter(Boolean).join(", ");
  return `${d.message ?? "unreadable"}${
    at && !(d.message ?? "").includes("offset") ? ` (${at})` : ""
  }`;
}
