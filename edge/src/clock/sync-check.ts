/**
 * @module clock/sync-check
 * Asks the operating system whether its clock is synchronized (NTP), cheaply: first the file
 * systemd-timesyncd creates once it has synchronized since boot, then `timedatectl` (which also
 * covers chrony and ntpd, through the kernel's sync flag). `unknown` when neither can answer
 * (no systemd, a container, macOS): the clock keeper then falls back on plausibility.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';

export type SyncState = 'yes' | 'no' | 'unknown';
export type SyncCheck = () => Promise<SyncState>;

const TIMESYNC_FLAG = '/run/systemd/timesync/synchronized';

export function createSyncCheck(flagFile = TIMESYNC_FLAG, timeoutMs = 2000): SyncCheck {
  return async () => {
    if (
      await access(flagFile).then(
        () => true,
        () => false,
      )
    )
      return 'yes';
    return new Promise<SyncState>((resolve) => {
      execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: timeoutMs }, (err, stdout) => {
        if (err) return resolve('unknown');
        const v = stdout.trim();
        resolve(v === 'yes' ? 'yes' : v === 'no' ? 'no' : 'unknown');
      });
    });
  };
}
