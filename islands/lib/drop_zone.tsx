/**
 * Where files come in: a drop zone that is also a real button (Enter/Space opens the file
 * picker), a "Choose a folder" button for `webkitdirectory`, and drag-and-drop of files and
 * folders through `webkitGetAsEntry()`. Every file is reported with its relative path.
 */
import { useRef, useState } from "preact/hooks";
import type { TargetedEvent } from "preact";
import { dropRoots, type Found, walkEntries } from "./entry_walker.ts";

/** Props of {@link DropZone}. */
export interface DropZoneProps {
  /** Called as files are found; a folder drop calls it several times while it is walked. */
  onFound(found: Found[]): void;
}

/** The file and folder picker with drag-and-drop. */
export function DropZone({ onFound }: DropZoneProps) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const picked = (e: TargetedEvent<HTMLInputElement, Event>) => {
    const input = e.currentTarget;
    const list = Array.from(input.files ?? []);
    onFound(list.map((file) => ({ path: file.webkitRelativePath || file.name, file })));
    input.value = ""; // choosing the same files again must fire `change` again
  };

  const dropped = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!e.dataTransfer) return;
    const { entries, files: loose } = dropRoots(e.dataTransfer.items);
    if (loose.length) onFound(loose.map((file) => ({ path: file.name, file })));
    let pending: Found[] = [];
    for await (const f of walkEntries(entries)) {
      pending.push(f);
      // Hand files over in small groups, so uploads start while a big folder is still read.
      if (pending.length >= 20) {
        onFound(pending);
        pending = [];
      }
    }
    if (pending.length) onFound(pending);
  };

  const dragging = (e: DragEvent) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    setOver(true);
  };

  return (
    <div class="pickers">
      <button
        type="button"
        class={over ? "dropzone over" : "dropzone"}
        aria-describedby="drop-hint"
        onClick={() => files.current?.click()}
        onDragEnter={dragging}
        onDragOver={dragging}
        onDragLeave={() => setOver(false)}
        onDrop={dropped}
      >
        <span class="big">Drop DICOM files or folders here</span>
        <span id="drop-hint">or press to choose files. Each file is anonymized as it arrives.</span>
      </button>
      <button type="button" class="secondary" onClick={() => folder.current?.click()}>
        Choose a folder…
      </button>
      <input ref={files} type="file" multiple hidden data-testid="file-input" onChange={picked} />
      <input
        ref={folder}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        {...{ webkitdirectory: true }}
        onChange={picked}
      />
    </div>
  );
}
