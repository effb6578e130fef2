// Who is using the console: the session behind the stored token (name, department, role, clearance),
// loaded once per token and shared by the header, the menu, the route guard and the pages.
//
// The console only hides what a role may not use; the server decides every request on its own.
import { computed, ref } from 'vue';
import { api, clearToken, getToken, setToken } from './api.js';

// How the stored token was obtained: 'password' for a session token from POST /login (logging out
// revokes it), 'token' for an API token typed in (logging out only forgets it: revoking would lock the
// admin out of their own admin token).
const KIND_KEY = 'citydata.credential';

export const session = ref(null);
let loading = null;
let loadedFor = null;

// Resolves to the session of the stored token (cached), or null if there is none or it is refused.
export function loadSession() {
  const token = getToken();
  if (!token) {
    session.value = null;
    return Promise.resolve(null);
  }
  if (loadedFor !== token) {
    loadedFor = token;
    loading = api.session().then(
      (value) => {
        session.value = value;
        return value;
      },
      () => {
        loadedFor = null;
        return null;
      },
    );
  }
  return loading;
}

// Called by the login page once a credential works.
export function startSession(token, kind, value) {
  setToken(token);
  sessionStorage.setItem(KIND_KEY, kind);
  session.value = value;
  loadedFor = token;
  loading = Promise.resolve(value);
}

export async function endSession() {
  if (sessionStorage.getItem(KIND_KEY) === 'password' && getToken()) {
    await api.logout().catch(() => {
      // an expired session is already logged out
    });
  }
  clearToken();
  sessionStorage.removeItem(KIND_KEY);
  session.value = null;
  loadedFor = null;
}

export const role = computed(() => session.value?.role ?? '');

// The levels from least to most sensitive (GB/T 43697-2024: general data levels 1-4, important, core).
export const LEVELS = ['general-1', 'general-2', 'general-3', 'general-4', 'important', 'core'];
export const levelRank = (level) => LEVELS.indexOf(level);

// True when `roles` (a list of role names) is absent or holds the current role.
export const allowed = (roles) => !roles || roles.includes(role.value);

// What a role may do, mirroring src/security/policy.cc, to hide controls that would only be refused.
export const can = {
  govern: () => allowed(['admin', 'steward']),
  classify: () => allowed(['admin', 'steward', 'provider']),
  editMetadata: () => allowed(['admin', 'steward', 'provider']),
  readData: () => role.value !== 'auditor',
};
