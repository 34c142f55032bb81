/**
 * The few JSON calls the islands make besides uploads. State-changing calls carry the
 * session's CSRF token in `X-CSRF-Token` (core/auth/csrf.ts); errors come back as the
 * server's plain `{error}` text.
 */

/** A call's result: the value, or the server's reason. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: string };

async function call<T>(url: string, init: RequestInit): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return { ok: false, error: "The server cannot be reached" };
  }
  const text = await res.text();
  let body: { error?: string } = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch { /* an HTML error page from a proxy: keep the status */ }
  if (res.ok) return { ok: true, value: body as T };
  if (res.status === 401) return { ok: false, error: "Your session has ended; sign in again" };
  return { ok: false, error: body.error ?? `Server error (HTTP ${res.status})` };
}

/** `POST /api/batches?…`: the server validates the settings and answers the new batch id. */
export function createBatch(query: string, csrf: string): Promise<ApiResult<{ id: string }>> {
  return call(`/api/batches?${query}`, { method: "POST", headers: { "x-csrf-token": csrf } });
}

/** `DELETE /api/batches/:id`. */
export function deleteBatch(id: string, csrf: string): Promise<ApiResult<unknown>> {
  return call(`/api/batches/${id}`, { method: "DELETE", headers: { "x-csrf-token": csrf } });
}

/** `GET url` as JSON (status refresh). */
export function getJson<T>(url: string): Promise<ApiResult<T>> {
  return call(url, { headers: { accept: "application/json" } });
}
