// The citydata HTTP API (/api/v1) as seen by the console.
// Every call sends the session's bearer token; an error answer becomes an ApiError carrying the server's
// message; a 401 forgets the token and calls the handler set with onUnauthorized (the router sends the
// user back to the login page).
//
// The token lives in sessionStorage, not localStorage: it is an admin credential, so it should not outlive
// the browser tab nor be readable from other tabs and later sessions; logging in again per tab is cheap.
import { t } from './i18n/index.js';

const BASE = '/api/v1';
const TOKEN_KEY = 'citydata.token';

export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

let unauthorizedHandler = () => {};
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function url(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const search = params.toString();
  return `${BASE}${path}${search ? `?${search}` : ''}`;
}

// Turns an error answer into an ApiError (and handles 401, except for a request sent without a token:
// a refused login is an answer for the login form, not a lost session).
function failure(status, text, anonymous = false) {
  let code = 'http_error';
  let message = t('common.httpError', { status });
  try {
    const error = JSON.parse(text).error;
    if (error?.message) ({ code, message } = error);
  } catch {
    // not JSON (e.g. a proxy's HTML page): keep the generic message
  }
  if (status === 401 && !anonymous) {
    clearToken();
    unauthorizedHandler();
  }
  return new ApiError(status, code, message);
}

// `body` is sent as JSON; `text` is sent as written with Content-Type `type` (CSV, YAML).
// `parse` reads the answer as 'json', 'text' or 'blob'. `token: null` sends no credential (login).
async function request(method, path, { query, body, text, type, token = getToken(), parse = 'json' } = {}) {
  const headers = token === null ? {} : { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (text !== undefined) headers['Content-Type'] = type;
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers,
      body: text ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError(0, 'network_error', t('common.networkError'));
  }
  if (!response.ok) throw failure(response.status, await response.text(), token === null);
  return response[parse]();
}

const datasetPath = (zone, name) => `/datasets/${encodeURIComponent(zone)}/${encodeURIComponent(name)}`;
const qualityPath = (zone, name) => `${datasetPath(zone, name)}/quality`;
// Code table ids contain '/' and spaces ("GB/T 2261.1" → GB%2FT%202261.1).
const classificationPath = (zone, name) => `${datasetPath(zone, name)}/classification`;
const codeTablePath = (id) => `/standards/code-tables/${encodeURIComponent(id)}`;
const FILE_TYPES = { csv: 'text/csv', json: 'application/json' };

// Sends `file` as the raw request body (not multipart) so the server can stream any size;
// onProgress(fraction) follows the upload.
function ingest(zone, name, file, params, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(`${datasetPath(zone, name)}/ingest`, params));
    xhr.setRequestHeader('Authorization', `Bearer ${getToken()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(failure(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', t('common.networkError')));
    xhr.send(file);
  });
}

// A service call authenticated by an app key ("try it"): a refused key is the call's answer, not the end of
// the console's session, so a 401 here does not log the user out.
async function callWithAppKey(name, query, appKey) {
  let response;
  try {
    response = await fetch(url(`/services/${encodeURIComponent(name)}`, query), {
      headers: { Authorization: `Bearer ${appKey}` },
    });
  } catch {
    throw new ApiError(0, 'network_error', t('common.networkError'));
  }
  if (!response.ok) throw failure(response.status, await response.text(), true);
  return response.json();
}

export const api = {
  login: (name, password) => request('POST', '/login', { body: { name, password }, token: null }),
  logout: () => request('POST', '/logout'),
  session: (token) => request('GET', '/session', { token }),
  overview: () => request('GET', '/overview'),
  departments: () => request('GET', '/departments'),
  createDepartment: (code, name) => request('POST', '/departments', { body: { code, name } }),
  datasets: (query) => request('GET', '/datasets', { query }),
  dataset: (zone, name) => request('GET', datasetPath(zone, name)),
  updateDataset: (zone, name, patch) => request('PATCH', datasetPath(zone, name), { body: patch }),
  rows: (zone, name, query) => request('GET', `${datasetPath(zone, name)}/rows`, { query }),
  rejects: (zone, name, query) => request('GET', `${datasetPath(zone, name)}/rejects`, { query }),
  jobs: (zone, name, query) => request('GET', `${datasetPath(zone, name)}/jobs`, { query }),
  ingest,
  query: (sql, maxRows) => request('POST', '/query', { body: { sql, max_rows: maxRows, format: 'json' } }),
  queryCsv: (sql, maxRows) =>
    request('POST', '/query', { body: { sql, max_rows: maxRows, format: 'csv' }, parse: 'blob' }),
  releaseJob: (id) => request('POST', `/jobs/${encodeURIComponent(id)}/release`),
  discardJob: (id) => request('POST', `/jobs/${encodeURIComponent(id)}/discard`),

  // 数据标准: data elements, code tables, a dataset's column → element mapping and standardization
  elements: (search) => request('GET', '/standards/elements', { query: { search } }),
  elementsCsv: (search) => request('GET', '/standards/elements', { query: { search, format: 'csv' }, parse: 'blob' }),
  importElements: (format, text) =>
    request('POST', '/standards/elements', { query: { format }, text, type: FILE_TYPES[format] }),
  codeTables: () => request('GET', '/standards/code-tables'),
  codeTable: (id) => request('GET', codeTablePath(id)),
  importCodeTable: (id, name, csv) =>
    request('PUT', codeTablePath(id), { query: { format: 'csv', name }, text: csv, type: FILE_TYPES.csv }),
  mapping: (zone, name) => request('GET', `${datasetPath(zone, name)}/mapping`),
  saveMapping: (zone, name, mappings) => request('PUT', `${datasetPath(zone, name)}/mapping`, { body: { mappings } }),
  standardize: (zone, name, target) => request('POST', `${datasetPath(zone, name)}/standardize`, { body: { target } }),

  // 数据质量: plans, runs, failing rows, the HTML report
  qualityPlan: (zone, name) => request('GET', `${qualityPath(zone, name)}/plan`),
  suggestPlan: (zone, name) => request('GET', `${qualityPath(zone, name)}/suggest`, { parse: 'text' }),
  applyPlan: (yaml) => request('POST', '/quality/plans', { text: yaml, type: 'application/yaml' }),
  runQuality: (zone, name) => request('POST', `${qualityPath(zone, name)}/runs`),
  qualityRuns: (zone, name, limit) => request('GET', `${qualityPath(zone, name)}/runs`, { query: { limit } }),
  latestRun: (zone, name) => request('GET', `${qualityPath(zone, name)}/runs/latest`),
  issues: (zone, name, query) => request('GET', `${qualityPath(zone, name)}/issues`, { query }),
  issuesCsv: (zone, name, query) =>
    request('GET', `${qualityPath(zone, name)}/issues`, { query: { ...query, format: 'csv' }, parse: 'blob' }),
  qualityReport: (zone, name) => request('GET', `${qualityPath(zone, name)}/report`, { parse: 'text' }),

  // 安全: users, API tokens, grants, classification and grading, policies, the audit trail
  users: () => request('GET', '/users'),
  addUser: (user) => request('POST', '/users', { body: user }),
  updateUser: (name, patch) => request('PATCH', `/users/${encodeURIComponent(name)}`, { body: patch }),
  tokens: () => request('GET', '/tokens'),
  createToken: (name, expiresAt) => request('POST', '/tokens', { body: { name, expires_at: expiresAt } }),
  revokeToken: (id) => request('DELETE', `/tokens/${encodeURIComponent(id)}`),
  grants: (user) => request('GET', '/grants', { query: { user } }),
  grant: (grant) => request('POST', '/grants', { body: grant }),
  revokeGrant: (id) => request('DELETE', `/grants/${encodeURIComponent(id)}`),
  classification: (zone, name) => request('GET', classificationPath(zone, name)),
  classify: (zone, name) => request('POST', classificationPath(zone, name)),
  decideColumn: (zone, name, column, decision) =>
    request('PUT', `${classificationPath(zone, name)}/${encodeURIComponent(column)}`, { body: decision }),
  levelPolicy: () => request('GET', '/policies/levels'),
  audit: (query) => request('GET', '/audit', { query }),
  verifyAudit: () => request('GET', '/audit/verify'),
  auditAnchor: () => request('GET', '/audit/anchor'),
  auditExport: (format) => request('GET', '/audit/export', { query: { format }, parse: 'blob' }),

  // 共享交换: the resource catalog, requests and their approval, sharing grants, apps
  resources: (query) => request('GET', '/resources', { query }),
  // `id` is a resource id or code (a code holds a '/': encoded).
  resource: (id) => request('GET', `/resources/${encodeURIComponent(id)}`, { query: { history: 'true' } }),
  fileShareRequest: (body) => request('POST', '/share/requests', { body }),
  shareRequests: (query) => request('GET', '/share/requests', { query }),
  approveShareRequest: (id, decision) =>
    request('POST', `/share/requests/${encodeURIComponent(id)}/approve`, { body: decision }),
  rejectShareRequest: (id, reason) =>
    request('POST', `/share/requests/${encodeURIComponent(id)}/reject`, { body: { reason } }),
  sharedGrants: (box) => request('GET', '/share/grants', { query: { box } }),
  revokeSharedGrant: (id) => request('DELETE', `/share/grants/${encodeURIComponent(id)}`),
  apps: () => request('GET', '/apps'),
  createApp: (app) => request('POST', '/apps', { body: app }),
  revokeApp: (id) => request('DELETE', `/apps/${encodeURIComponent(id)}`),

  // API 超市: published services, a call (with the session's token or an app key), OpenAPI, statistics
  services: (query) => request('GET', '/services', { query }),
  callService: (name, query, appKey) =>
    (appKey ? callWithAppKey(name, query, appKey) : request('GET', `/services/${encodeURIComponent(name)}`, { query })),
  serviceOpenApi: (name) => request('GET', `/services/${encodeURIComponent(name)}/openapi.json`),
  serviceStats: (name) => request('GET', `/services/${encodeURIComponent(name)}/stats`),
};
