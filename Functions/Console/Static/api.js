// Every call goes to the existing admin routes (/api/manage/...) with the key in x-functions-key; the key lives in
// sessionStorage, so it is gone when the tab closes.
const KEY = 'connectors.adminKey';
const base = new URL('../manage/', location.href.split('#')[0]);

export const adminKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (k) => sessionStorage.setItem(KEY, k),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/** method, a path under /api/manage/ (segments already encoded), an optional JSON body. */
export async function api(method, path, body) {
  const headers = { 'x-functions-key': adminKey.get() ?? '' };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(new URL(path, base), init);
  } catch (e) {
    throw new ApiError(0, `The server did not answer (${e.message}).`);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (response.status === 401) {
    onUnauthorized();
    // Locally the answer names the problem; Azure's own key check answers 401 with no body.
    throw new ApiError(401, 'Wrong admin key: the server refused it (401).', json);
  }
  if (!response.ok) throw new ApiError(response.status, json?.error ?? `HTTP ${response.status} from ${method} ${path}.`, json);
  return json;
}

export const seg = (s) => encodeURIComponent(s);
