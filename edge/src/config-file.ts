/**
 * @module config-file
 * Replaces the config file atomically: the new text goes to a temp file in the same folder,
 * is fsynced, the current file is kept as `<file>.bak`, and the temp file is renamed over it
 * (rename within a folder is atomic on POSIX), then the folder is fsynced. A power cut at any
 * point leaves either the old or the new file complete, never a torn one.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeConfigAtomically(file: string, text: string): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o640);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(file)) copyFileSync(file, `${file}.bak`);
  renameSync(tmp, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
