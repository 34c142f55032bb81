/**
 * Download-all and delete for one batch. Deleting asks for a second click in place (no
 * `confirm()` dialog, which keyboard and screen-reader users find abrupt).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { deleteBatch } from "./api.ts";

/** Props of {@link BatchActions}. */
export interface BatchActionsProps {
  id: string;
  csrf: string;
  /** Delete needs JavaScript; without it only the download is offered. */
  enhanced: boolean;
  onDeleted(): void;
}

/** ZIP download link and a two-step delete button. */
export function BatchActions({ id, csrf, enhanced, onDeleted }: BatchActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  // Keep keyboard focus on the button that replaced the one just pressed.
  const confirmRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    (confirming ? confirmRef : askRef).current?.focus();
  }, [confirming]);
  const ask = (on: boolean) => {
    moved.current = true;
    setConfirming(on);
  };
  const remove = async () => {
    setBusy(true);
    const r = await deleteBatch(id, csrf);
    setBusy(false);
    if (r.ok) onDeleted();
    else {
      setError(r.error);
      ask(false);
    }
  };
  return (
    <div class="actions">
      <a class="button" href={`/api/batches/${id}/zip`} download>Download ZIP</a>
      {enhanced && !confirming && (
        <button
          type="button"
          class="danger secondary"
          ref={askRef}
          onClick={() => ask(true)}
        >
          Delete…
        </button>
      )}
      {enhanced && confirming && (
        <>
          <button type="button" class="danger" ref={confirmRef} disabled={busy} onClick={remove}>
            Delete batch {id.slice(0, 8)} for good
          </button>
          <button type="button" class="secondary" onClick={() => ask(false)}>
            Cancel
          </button>
        </>
      )}
      {error && <p class="alert" role="alert">{error}</p>}
    </div>
  );
}
