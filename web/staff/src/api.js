// Every call to the server. The session is an HttpOnly cookie the browser sends by itself; a change
// also carries the session's CSRF token in x-csrf-token (the server refuses it otherwise).

let csrfToken = '';
/** Told when the server says the session is over (401): the console asks to log in again over the page, which keeps what was typed. */
let unauthorized = () => {};
export const onUnauthorized = (handler) => {
  unauthorized = handler;
};

/** The token from POST/GET /api/staff/session; cleared at logout. */
export const useCsrf = (token) => {
  csrfToken = token ?? '';
};

export class ApiError extends Error {
  /** `body`: the whole answer, for the details a refusal carries (`problems` per field, a `reason`). */
  constructor(status, message, retryAfter, body = {}) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/** JSON in, JSON out; an answer other than 2xx throws ApiError with the server's message. */
export async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'offline');
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  // A wrong password at the login is no ended session.
  if (res.status === 401 && url !== '/api/staff/session') unauthorized();
  if (!res.ok) throw new ApiError(res.status, data.message ?? res.statusText, Number(res.headers.get('retry-after')) || undefined, data);
  return data;
}

/** Runs fn over items, at most `width` at a time (the insights ask for one day at a time). */
export async function inBatches(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
