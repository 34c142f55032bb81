/**
 * A file's preview in a batch: a small thumbnail loaded only when scrolled into view, which
 * opens the large preview — in a dialog with JavaScript, in a new tab without. The alt text
 * names the file by its position, never by its name (names can carry patient data).
 */
import { useEffect, useRef, useState } from "preact/hooks";

/** The preview URL of a batch file (`size` "large" for the 1024 px one). */
export function previewUrl(batchId: string, path: string, size?: "large"): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `/api/batches/${batchId}/preview/${encoded}${size ? `?size=${size}` : ""}`;
}

/** Props of {@link PreviewThumb}. */
export interface PreviewThumbProps {
  batchId: string;
  path: string;
  /** 1-based position of the file in the list. */
  position: number;
  /** The dialog needs JavaScript; without it the link opens the image. */
  enhanced: boolean;
}

/** Thumbnail link plus the dialog that shows the large preview. */
export function PreviewThumb({ batchId, path, position, enhanced }: PreviewThumbProps) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);
  const large = previewUrl(batchId, path, "large");
  return (
    <>
      <a
        class="preview"
        href={large}
        target="_blank"
        rel="noopener"
        aria-label={`Enlarge preview of file ${position}`}
        onClick={(e) => {
          if (!enhanced) return;
          e.preventDefault();
          setOpen(true);
        }}
      >
        <img
          src={previewUrl(batchId, path)}
          loading="lazy"
          width={64}
          height={64}
          alt={`Preview of file ${position}`}
        />
      </a>
      {open && (
        <dialog ref={dialog} class="preview-dialog" onClose={() => setOpen(false)}>
          <img src={large} alt={`Large preview of file ${position}`} />
          <form method="dialog">
            <button type="submit" autofocus>Close</button>
          </form>
        </dialog>
      )}
    </>
  );
}
