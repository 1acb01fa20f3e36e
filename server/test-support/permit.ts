/**
 * @module test-support/permit
 * The permit the server tests put through `PUT /api/v1/permits`: one permit on `mobile-plant`
 * holding the test's rules, sent by a signed-in officer. One definition, so a change to the
 * permit wire shape is made here once. Test support only (imported by *.test.ts).
 */
import { ORIGIN, type TestApp } from './test-app.ts';

/** A permit of `rules` on mobile-plant; `extra` overrides or adds fields (id, title, valid_from…). */
export const permitOf = (rules: object[], extra: object = {}) => ({
  id: 'vertimiento-2025',
  title: 'Permiso de vertimientos',
  site: 'mobile-plant',
  rules,
  ...extra,
});

/**
 * `PUT /api/v1/permits` with `permits` as the user whose session cookie is `cookie`; the response.
 * @example expect((await putPermits(t, officer, [permitOf([rule])])).status).toBe(200);
 */
export const putPermits = (t: Pick<TestApp, 'app'>, cookie: string, permits: object[]) =>
  t.app.request('/api/v1/permits', {
    method: 'PUT',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ permits }),
  });
