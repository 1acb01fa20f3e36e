/**
 * @module http/read-body
 * Read a request body with hard caps: on the bytes received (before any decoding) and,
 * for `Content-Encoding: gzip`, on the decompressed size, so a small gzip bomb cannot
 * take the server's memory. Exceeding either is a 413.
 */
import { gunzip } from 'node:zlib';
import { InputError } from '@vigia/shared';
import { parseJson } from './parse-input.ts';

export type BodyLimits = { maxWireBytes: number; maxDecodedBytes: number };

/** Limits for the small JSON bodies of the dashboard's routes (permits, acknowledgements). */
export const JSON_BODY_LIMITS: BodyLimits = { maxWireBytes: 1024 * 1024, maxDecodedBytes: 1024 * 1024 };

const tooLarge = (what: string, limit: number) =>
  new InputError(
    'body_too_large',
    `${what} is larger than ${Math.round(limit / 1024 / 1024)} MB: send smaller batches`,
    undefined,
    413,
  );

async function readCapped(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge('the request body', maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge('the request body', maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function gunzipCapped(data: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return reject(tooLarge('the decompressed body', maxBytes));
      }
      reject(new InputError('invalid_gzip', `the body is not valid gzip (${err.message})`, undefined, 400));
    });
  });
}

/** The body as UTF-8 text, decompressed when gzip; 413/415/400 InputErrors otherwise. */
export async function readBodyText(req: Request, limits: BodyLimits): Promise<string> {
  const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new InputError(
      'unsupported_encoding',
      `Content-Encoding "${encoding}" is not supported: send gzip or no encoding`,
      undefined,
      415,
    );
  }
  const wire = await readCapped(req, limits.maxWireBytes);
  const body = encoding === 'gzip' ? await gunzipCapped(wire, limits.maxDecodedBytes) : wire;
  return body.toString('utf8');
}

/** A JSON body read within `limits`, parsed (400 `invalid_json` when it is not JSON). */
export async function readJsonBody(req: Request, limits: BodyLimits = JSON_BODY_LIMITS): Promise<unknown> {
  return parseJson(await readBodyText(req, limits));
}
