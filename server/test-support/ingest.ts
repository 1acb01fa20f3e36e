/**
 * @module test-support/ingest
 * A device's batch through `POST /api/v1/ingest` of a test app, so the server tests build the
 * request in one place. Test support only (imported by *.test.ts).
 */
import type { TestApp } from './test-app.ts';

/**
 * `POST /api/v1/ingest` of `batch` with the device token `token`; the response.
 * @example expect((await postBatch(t, token, { device: 'plant-01', readings })).status).toBe(200);
 */
export const postBatch = (t: Pick<TestApp, 'app'>, token: string, batch: object) =>
  t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
