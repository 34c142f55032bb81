/**
 * Box-filter downscaling: each output cell is the mean of the source pixels that fall in it
 * (source column c goes to cell ⌊c·outW/cols⌋, rows alike). Sums are kept per cell while
 * samples stream by, so memory is the output's size, never the frame's.
 */

/** Output size for a `rows × columns` image whose longer side is at most `max` (never upscaled). */
export function previewSize(rows: number, columns: number, max: number): [number, number] {
  if (rows <= max && columns <= max) return [columns, rows];
  // Math.round would do, but the reference implementation in Python must round the same way.
  const scaled = (n: number, long: number) => Math.max(1, Math.floor((n * max) / long + 0.5));
  return columns >= rows ? [max, scaled(rows, columns)] : [scaled(columns, rows), max];
}

/** Per-cell sums of `channels` values over a `rows × columns` source; callers add to `sums`. */
export class BoxGrid {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** Cell of each source column (already multiplied by `channels`). */
  readonly colCell: Int32Array;
  /** First sum index of each source row's cell row. */
  readonly rowBase: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;

  constructor(rows: number, columns: number, width: number, height: number, channels: number) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.colCell = new Int32Array(columns);
    for (let c = 0; c < columns; c++) {
      this.colCell[c] = Math.floor((c * width) / columns) * channels;
    }
    this.rowBase = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      this.rowBase[r] = Math.floor((r * height) / rows) * width * channels;
    }
    this.sums = new Float64Array(width * height * channels);
    // Pixels per cell: the frame is always read whole, so they follow from the mapping.
    const perCol = new Float64Array(width), perRow = new Float64Array(height);
    for (let c = 0; c < columns; c++) perCol[this.colCell[c] / channels]++;
    for (let r = 0; r < rows; r++) perRow[this.rowBase[r] / (width * channels)]++;
    this.counts = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) this.counts[y * width + x] = perRow[y] * perCol[x];
    }
  }

  /** Mean per cell and channel, once every source pixel has been added. */
  means(): Float64Array {
    const out = new Float64Array(this.sums.length);
    const ch = this.channels;
    for (let i = 0; i < this.counts.length; i++) {
      const n = this.counts[i];
      if (n === 0) continue;
      for (let k = 0; k < ch; k++) out[i * ch + k] = this.sums[i * ch + k] / n;
    }
    return out;
  }
}
