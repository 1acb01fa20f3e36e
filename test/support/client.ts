/**
 * @module test/support/client
 * A small HTTP client for the server API as a dashboard user sees it: login cookie, JSON
 * routes, and the live stream parsed into events. For tests and benchmarks.
 */
/** POST a batch to `/api/v1/ingest` as a device does; the answer's status and text. */
export async function postIngest(
  baseUrl: string,
  token: string,
  batch: unknown,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  return { status: res.status, text: await res.text() };
}

export type LiveEvent = { event: string; id?: string; data: unknown };

export class ApiClient {
  private cookie = '';
  constructor(readonly baseUrl: string) {}

  async login(user: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.baseUrl },
      body: JSON.stringify({ user, password }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const setCookie = res.headers.get('set-cookie') ?? '';
    this.cookie = setCookie.split(';')[0];
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** A state-changing request as the dashboard sends it (same-origin `Origin`, JSON). */
  async put<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'PUT',
      headers: { cookie: this.cookie, origin: this.baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Open the live stream; `onEvent` is called per event; returns a function that closes it. */
  async live(onEvent: (e: LiveEvent) => void): Promise<() => void> {
    const ctrl = new AbortController();
    const res = await fetch(`${this.baseUrl}/api/v1/live`, {
      headers: { cookie: this.cookie, accept: 'text/event-stream' },
      signal: ctrl.signal,
    });
    if (!res.ok || !res.body) throw new Error(`live: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += value;
          let sep = buf.indexOf('\n\n');
          while (sep >= 0) {
            const block = buf.slice(0, sep);
            buf = buf.slice(sep + 2);
            sep = buf.indexOf('\n\n');
            const e: LiveEvent = { event: 'message', data: undefined };
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) e.event = line.slice(6).trim();
              else if (line.startsWith('id:')) e.id = line.slice(3).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length === 0) continue;
            try {
              e.data = JSON.parse(data.join('\n'));
            } catch {
              e.data = data.join('\n');
            }
            onEvent(e);
          }
        }
      } catch {
        // aborted
      }
    })();
    return () => ctrl.abort();
  }
}
