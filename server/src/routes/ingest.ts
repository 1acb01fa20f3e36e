/**
 * @module routes/ingest
 * `POST /api/v1/ingest`: a device's batch over HTTP. This route reads the bearer token and the
 * body (size-capped, parsed with the shared schema); the ingest service (ingest/service.ts)
 * authenticates, checks, stores and passes the batch on, with the invariants listed there.
 * The token is checked before the body is read.
 */
import { IngestBatch as IngestBatchSchema } from '@vigia/shared';
import { Hono } from 'hono';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';
import type { IngestService } from '../ingest/service.ts';

export const INGEST_LIMITS = { maxWireBytes: 5 * 1024 * 1024, maxDecodedBytes: 50 * 1024 * 1024 };

export function ingestRoutes(ingest: IngestService): Hono {
  return new Hono().post('/', async (c) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const device = ingest.authenticate(token);
    const batch = parseInput(IngestBatchSchema, await readJsonBody(c.req.raw, INGEST_LIMITS), 'invalid_batch', 422);
    return c.json(await ingest.accept(device, batch));
  });
}
