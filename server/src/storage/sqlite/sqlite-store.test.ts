import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeContract } from '../store.contract.ts';
import { openSqliteStore } from './sqlite-store.ts';

function tempFile(): { file: string; dispose(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-store-'));
  return { file: join(dir, 'readings.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

storeContract('sqlite', async () => {
  const { file, dispose } = tempFile();
  return { store: openSqliteStore(file), dispose };
});

describe('sqlite store (its own behaviour)', () => {
  it('keeps readings across a reopen of the same file', async () => {
    const { file, dispose } = tempFile();
    const a = openSqliteStore(file);
    await a.write([{ sensor: 's', ts: 1_764_000_000_000, value: 1, q: 'good' }]);
    await a.close();
    const b = openSqliteStore(file);
    expect(await b.latest()).toEqual([{ sensor: 's', ts: 1_764_000_000_000, value: 1, q: 'good' }]);
    await b.close();
    await dispose();
  });
});
