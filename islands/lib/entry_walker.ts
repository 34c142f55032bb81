/**
 * Walks what a drop delivered (File and Directory Entries API, `webkitGetAsEntry()`) into
 * files with their relative paths. Typed over the few members it uses, so tests can hand it
 * a fake tree: a real drop of a folder cannot be synthesized in a browser test.
 */

/** The part of `FileSystemEntry` the walker reads. */
export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}

/** The part of `FileSystemFileEntry` the walker reads. */
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (err: unknown) => void): void;
}

/** The part of `FileSystemDirectoryEntry` the walker reads. */
export interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (err: unknown) => void): void;
  };
}

/** A file found under the dropped entries, or a part of the tree that could not be read. */
export type Found =
  | { readonly path: string; readonly file: File }
  | { readonly path: string; readonly error: string };

/**
 * Yields every file under `roots` depth first, in the order the browser lists them, with
 * `/`-separated paths relative to the drop (a dropped folder's own name is the first part).
 * Unreadable files or folders are yielded as errors and the walk goes on.
 */
export async function* walkEntries(
  roots: readonly EntryLike[],
  prefix = "",
): AsyncGenerator<Found> {
  for (const entry of roots) {
    const path = prefix + entry.name;
    if (entry.isFile) {
      try {
        yield { path, file: await fileOf(entry as FileEntryLike) };
      } catch {
        yield { path, error: "The browser could not read this file" };
      }
    } else if (entry.isDirectory) {
      let children: EntryLike[];
      try {
        children = await readAll(entry as DirectoryEntryLike);
      } catch {
        yield { path, error: "The browser could not read this folder" };
        continue;
      }
      yield* walkEntries(children, `${path}/`);
    }
  }
}

function fileOf(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** `readEntries()` returns at most a batch (100 in Chromium) per call: read until empty. */
async function readAll(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) =>
      reader.readEntries(resolve, reject)
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/**
 * The roots of a drop, taken synchronously (the DataTransfer is emptied once the handler
 * returns): entries where the browser offers them, plain files otherwise.
 */
export function dropRoots(items: DataTransferItemList): { entries: EntryLike[]; files: File[] } {
  const entries: EntryLike[] = [];
  const files: File[] = [];
  for (const item of Array.from(items)) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) files.push(file);
    }
  }
  return { entries, files };
}
