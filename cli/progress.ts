/**
 * Progress on stderr: one line redrawn in place on a terminal (files, bytes, MB/s, ETA), plain
 * lines now and then when stderr is a file or pipe, nothing with --quiet. Messages (errors,
 * warnings) go through it so they never tear the redrawn line.
 */

/** How progress is shown. */
export type ProgressMode = "tty" | "lines" | "off";

const REDRAW_MS = 100;
const LINE_EVERY_MS = 10_000;
const enc = new TextEncoder();

/** Formats bytes as MB with one decimal (decimal megabytes, as rates are quoted). */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Tracks files and bytes done and draws them. */
export class Progress {
  readonly #mode: ProgressMode;
  readonly #totalFiles: number;
  readonly #totalBytes: number;
  readonly #write: (text: string) => void;
  readonly #start = performance.now();
  readonly #inFlight = new Map<number, number>();
  #files = 0;
  #bytes = 0;
  #lastDraw = 0;
  #drawn = false;
  #finished = false;
  readonly #step: number;

  /** `write` defaults to stderr; tests pass their own. */
  constructor(
    mode: ProgressMode,
    totalFiles: number,
    totalBytes: number,
    write?: (t: string) => void,
  ) {
    this.#mode = mode;
    this.#totalFiles = totalFiles;
    this.#totalBytes = totalBytes;
    this.#write = write ?? ((t) => void Deno.stderr.writeSync(enc.encode(t)));
    this.#step = Math.max(1, Math.ceil(totalFiles / 20));
  }

  /** Bytes read so far of a file still in flight. */
  update(id: number, bytes: number): void {
    this.#inFlight.set(id, bytes);
    this.#maybeDraw(false);
  }

  /** A file is finished (whatever its outcome). */
  done(id: number, bytes: number): void {
    this.#inFlight.delete(id);
    this.#files++;
    this.#bytes += bytes;
    this.#maybeDraw(this.#mode === "lines" && this.#files % this.#step === 0);
  }

  /** Prints a whole line (shown even with --quiet: errors must never be silent). */
  message(line: string): void {
    this.#clear();
    this.#write(line + "\n");
    this.#drawn = false;
    if (this.#mode === "tty" && !this.#finished) this.#draw();
  }

  /** Ends the display: a final redraw, then a newline on a terminal. */
  finish(): void {
    this.#finished = true;
    if (this.#mode === "tty") {
      this.#draw();
      this.#write("\n");
    } else if (this.#mode === "lines" && this.#files % this.#step !== 0) this.#draw();
  }

  #maybeDraw(force: boolean): void {
    if (this.#mode === "off") return;
    const now = performance.now();
    const every = this.#mode === "tty" ? REDRAW_MS : LINE_EVERY_MS;
    if (force || now - this.#lastDraw >= every) this.#draw();
  }

  #draw(): void {
    this.#lastDraw = performance.now();
    const seconds = (this.#lastDraw - this.#start) / 1000;
    let bytes = this.#bytes;
    for (const b of this.#inFlight.values()) bytes += b;
    const rate = seconds > 0 ? bytes / seconds : 0;
    // Done fraction: half by bytes, half by files, since neither alone predicts a mixed tree
    // (one big file among many small ones, or a big non-DICOM file that is skipped at once).
    const done = (bytes / (this.#totalBytes || 1) + this.#files / (this.#totalFiles || 1)) / 2;
    const eta = seconds >= 1 && done > 0 && this.#files < this.#totalFiles
      ? ` ETA ${clock((seconds * (1 - done)) / done)}`
      : "";
    const text =
      `${this.#files}/${this.#totalFiles} files, ${mb(bytes)}/${mb(this.#totalBytes)}, ` +
      `${mb(rate)}/s${eta}`;
    if (this.#mode === "tty") {
      this.#write(`\r\x1b[K${text}`);
      this.#drawn = true;
    } else this.#write(`progress: ${text}\n`);
  }

  #clear(): void {
    if (this.#mode === "tty" && this.#drawn) this.#write("\r\x1b[K");
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s % 60).padStart(2, "0")}`;
  return h ? `${h}:${mmss}` : mmss;
}
