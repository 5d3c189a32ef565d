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
  const headers = {};
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await send(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) throw refused(response.status, json, method, path);
  return json;
}

/** GET a file (a report as CSV, ...) with the key in the header, never in the URL: a Blob, or the error the JSON answer names. */
export async function apiBlob(path) {
  const response = await send(path, { method: 'GET', headers: {} });
  if (response.ok) return response.blob();
  let json = null;
  try { json = JSON.parse(await response.text()); } catch { json = null; }
  throw refused(response.status, json, 'GET', path);
}

async function send(path, init) {
  init.headers['x-functions-key'] = adminKey.get() ?? '';
  init.cache = 'no-store';
  try {
    return await fetch(new URL(path, base), init);
  } catch (e) {
    throw new ApiError(0, `The server did not answer (${e.message}).`);
  }
}

function refused(status, json, method, path) {
  if (status === 401) {
    onUnauthorized();
    // Locally the answer names the problem; Azure's own key check answers 401 with no body.
    return new ApiError(401, 'Wrong admin key: the server refused it (401).', json);
  }
  return new ApiError(status, json?.error ?? `HTTP ${status} from ${method} ${path}.`, json);
}

export const seg = (s) => encodeURIComponent(s);
