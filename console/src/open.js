// The open-data portal's API (/api/v1/open): anonymous, so no token is ever sent — the portal works for
// visitors without a session and never exposes a logged-in user's credential to public pages.
import { t } from './i18n/index.js';

const BASE = '/api/v1/open/datasets';

export class OpenApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const search = params.toString();
  let response;
  try {
    response = await fetch(`${BASE}${path}${search ? `?${search}` : ''}`);
  } catch {
    throw new OpenApiError(0, t('common.networkError'));
  }
  const text = await response.text();
  if (!response.ok) {
    let message = t('common.httpError', { status: response.status });
    try {
      message = JSON.parse(text).error?.message ?? message;
    } catch {
      // not JSON: keep the generic message
    }
    throw new OpenApiError(response.status, message);
  }
  return JSON.parse(text);
}

// { items, total, limit, offset, facets: { dept, classification, grade, tags } }
export const searchOpenData = (query) => get('', query);
export const openDataset = (id) => get(`/${encodeURIComponent(id)}`);
// { fields: [{ name, type }], rows: [[...]], total, limit, offset }
export const openRows = (id, query) => get(`/${encodeURIComponent(id)}/rows`, query);
export const downloadUrl = (id, format) => `${BASE}/${encodeURIComponent(id)}/download?format=${format}`;
