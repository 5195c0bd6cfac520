import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A logged-in console session: its cookie and CSRF token, as a browser would hold them. */
export interface StaffLogin {
  cookie: string;
  csrf: string;
  res: LightMyRequestResponse;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates an account with the token (POST /api/admin/staff). */
export async function addStaff(app: FastifyInstance, token: string, account: { username: string; password?: string; role: string; orgs?: string[] }) {
  const res = await app.inject({ method: 'POST', url: '/api/admin/staff', headers: bearer(token), payload: { password: 'correct horse battery', orgs: [], ...account } });
  if (res.statusCode !== 201) throw new Error(`POST /api/admin/staff ${res.statusCode}: ${res.body}`);
  return res.json().account;
}

/** POST /api/staff/session; the cookie and token of the session it opened. */
export async function logIn(app: FastifyInstance, username: string, password = 'correct horse battery', headers: Record<string, string> = {}): Promise<StaffLogin> {
  const res = await app.inject({ method: 'POST', url: '/api/staff/session', headers, payload: { username, password } });
  const set = res.cookies.find((c) => c.name === 'staff_session');
  return { cookie: set ? `staff_session=${set.value}` : '', csrf: res.statusCode === 200 ? res.json().csrfToken : '', res };
}

/** Headers of a request made with the session: the cookie, and its CSRF token (another one, or none with null). */
export const withSession = (s: StaffLogin, csrf: string | null = s.csrf) => ({ cookie: s.cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }) });
