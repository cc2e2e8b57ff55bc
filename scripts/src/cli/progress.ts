// A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and pipes get nothing).

/** A progress bar; every method is a no-op when not drawing. */
export interface ProgressBar {
  update(done: number, total: number, note?: string): void;
  finish(): void;
}

const MIB = 1024 * 1024;

/** Bytes as MiB with one decimal. */
export const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/**
 * A bar of `width` cells for `label`, redrawn at most every 100 ms.
 * @example
 * const bar = progressBar('tax.arrears');
 * bar.update(512, 1024, '12.0 MiB/s');
 * bar.finish();
 */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  width = 30,
): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} };
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note = '') {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const cells = Math.round(ratio * width);
      stream.write(
        `\r${label} [${'#'.repeat(cells)}${'.'.repeat(width - cells)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${mib(done)}/${mib(total)} ${note}\x1b[K`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
