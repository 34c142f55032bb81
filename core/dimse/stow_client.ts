/**
 * A STOW-RS client (PS3.18 §10.5): one `POST …/studies` per association, the stored files as
 * the parts of a `multipart/related; type="application/dicom"` body streamed from disk.
 */

import { concat } from "../dicom/file_meta.ts";

/** What the server answered. */
export interface StowResult {
  readonly status: number;
  readonly sent: number;
  readonly failed: number;
}

const MAX_ANSWER = 1024 * 1024;

/** Posts `files` to `url`; `token` becomes `Authorization: Bearer`. Throws on network errors. */
export async function stowFiles(
  url: string,
  files: readonly string[],
  token?: string,
): Promise<StowResult> {
  const boundary = `deid-${crypto.randomUUID()}`;
  const enc = new TextEncoder();
  let i = 0;
  let current: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (current) {
          const r = await current.read();
          if (!r.done) return controller.enqueue(r.value);
          current = undefined;
          controller.enqueue(enc.encode("\r\n"));
          return;
        }
        if (i === files.length) {
          controller.enqueue(enc.encode(`--${boundary}--\r\n`));
          return controller.close();
        }
        const file = await Deno.open(files[i++]);
        current = file.readable.getReader();
        controller.enqueue(enc.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`));
        return;
      }
    },
    async cancel() {
      await current?.cancel();
    },
  });
  const headers: Record<string, string> = {
    "content-type": `multipart/related; type="application/dicom"; boundary=${boundary}`,
    accept: "application/dicom+json",
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: "POST", headers, body });
  const failedCount = failedInAnswer(await readCapped(res));
  const n = files.length;
  if (res.status === 200) return { status: 200, sent: n, failed: 0 };
  if (res.status === 202) {
    const failed = Math.min(failedCount ?? n, n);
    return { status: 202, sent: n - failed, failed };
  }
  return { status: res.status, sent: 0, failed: n };
}

/** The number of items of Failed SOP Sequence (0008,1198) in a DICOM JSON answer. */
function failedInAnswer(text: string): number | undefined {
  try {
    const json = JSON.parse(text);
    const seq = (Array.isArray(json) ? json[0] : json)?.["00081198"]?.Value;
    return Array.isArray(seq) ? seq.length : 0;
  } catch {
    return undefined;
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of res.body) {
    n += chunk.length;
    if (n > MAX_ANSWER) break; // leaving the loop cancels the body
    parts.push(chunk);
  }
  return new TextDecoder().decode(concat(parts));
}
