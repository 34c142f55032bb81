/**
 * Pixel Data from input file to output file inside the kernel (Linux copy_file_range(2), through
 * Deno's FFI), so the bulk of an image never passes through JavaScript: the value bytes go out
 * unchanged anyway (DicomPipeline.bypass), and `cp` copies this way too. Anything missing (not
 * Linux, no FFI permission, a kernel or file system that refuses) leaves the normal read/write
 * path in place; `DEID_KERNEL_COPY=off` turns it off.
 */
import type { BypassTarget } from "./pipe_file.ts";

const O_WRONLY = 0o1;
const O_CLOEXEC = 0o2000000;
/** One call copies at most this much, so a progress line and other tasks get a turn. */
const SLICE = 64 * 1024 * 1024;

const SYMBOLS = {
  open: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  copy_file_range: {
    parameters: ["i32", "buffer", "i32", "buffer", "usize", "u32"],
    result: "isize",
    nonblocking: true,
  },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** undefined: not tried yet; null: not available in this thread. */
let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  try {
    if (Deno.build.os !== "linux" || Deno.env.get("DEID_KERNEL_COPY") === "off") return null;
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch {
    // No --allow-ffi / --allow-env, or no glibc: the ordinary path is used.
  }
  return libc;
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${text}\0`) as Uint8Array<ArrayBuffer>;
}

/** Same file: device and inode agree (a path can be replaced between two opens). */
function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.dev === b.dev && a.ino !== null && a.ino === b.ino;
}

/** Copies byte ranges from one open file to another, both opened a second time by path. */
export class KernelCopy implements BypassTarget, Disposable {
  /** The caller's handles of the two files (the pipe moves their positions after a copy). */
  readonly input: Deno.FsFile;
  readonly output: Deno.FsFile;
  readonly #libc: Libc;
  readonly #in: number;
  readonly #out: number;
  readonly #inOffset = new BigInt64Array(1);
  readonly #outOffset = new BigInt64Array(1);
  #failed = false;
  /** Bytes copied by every instance in this thread (tests and benchmarks read it). */
  static bytesCopied = 0;

  private constructor(
    lib: Libc,
    fdIn: number,
    fdOut: number,
    input: Deno.FsFile,
    output: Deno.FsFile,
  ) {
    this.input = input;
    this.output = output;
    this.#libc = lib;
    this.#in = fdIn;
    this.#out = fdOut;
  }

  /**
   * Opens `input` and `output` again for copying, or returns undefined when that cannot be
   * done here. The new descriptors must reach the very files already open (`inputFile`,
   * `outputFile`): checked by device and inode through /proc/self/fd.
   */
  static open(
    input: string,
    inputFile: Deno.FsFile,
    output: string,
    outputFile: Deno.FsFile,
  ): KernelCopy | undefined {
    const lib = load();
    if (!lib) return undefined;
    const fdIn = lib.open(cString(input), O_CLOEXEC, 0);
    const fdOut = fdIn < 0 ? -1 : lib.open(cString(output), O_WRONLY | O_CLOEXEC, 0);
    const copy = new KernelCopy(lib, fdIn, fdOut, inputFile, outputFile);
    try {
      if (
        fdOut >= 0 && sameFile(inputFile.statSync(), copy.#stat(fdIn)) &&
        sameFile(outputFile.statSync(), copy.#stat(fdOut))
      ) return copy;
    } catch {
      // /proc not mounted, or a stat failed: no kernel copy.
    }
    copy.close();
    return undefined;
  }

  /**
   * Copies up to `n` bytes from input offset `from` to output offset `to`, on a thread of
   * Deno's, reporting each slice copied to `onCopied`; returns how many it copied: fewer when
   * the input ends first or the kernel refuses (then the caller reads and writes the rest
   * itself, and meets the same end of file or error there).
   */
  async copy(from: number, to: number, n: number, onCopied?: (n: number) => void): Promise<number> {
    let done = 0;
    while (done < n && !this.#failed) {
      this.#inOffset[0] = BigInt(from + done);
      this.#outOffset[0] = BigInt(to + done);
      const got = Number(
        await this.#libc.copy_file_range(
          this.#in,
          new Uint8Array(this.#inOffset.buffer),
          this.#out,
          new Uint8Array(this.#outOffset.buffer),
          BigInt(Math.min(n - done, SLICE)),
          0,
        ),
      );
      if (got < 0) this.#failed = true;
      if (got <= 0) break;
      done += got;
      KernelCopy.bytesCopied += got;
      onCopied?.(got);
    }
    return done;
  }

  /** Closes both descriptors (the caller's own files stay open). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes both descriptors (the caller's own files stay open). */
  close(): void {
    if (this.#in >= 0) this.#libc.close(this.#in);
    if (this.#out >= 0) this.#libc.close(this.#out);
  }

  #stat(fd: number): Deno.FileInfo {
    return Deno.statSync(`/proc/self/fd/${fd}`);
  }
}
