// Security vocabulary shared by the pages: roles, levels (GB/T 43697-2024) and their colours, the
// sensitive-data categories the classifier knows, audit outcomes.
import { ElMessage } from 'element-plus';
import { t } from './i18n/index.js';
import { LEVELS } from './session.js';

export { LEVELS };
export const ROLES = ['admin', 'steward', 'provider', 'consumer', 'auditor'];

// From least to most sensitive: green, blue, amber, orange, red, dark red.
export const LEVEL_COLORS = {
  'general-1': '#3f9b3f',
  'general-2': '#1d6ff2',
  'general-3': '#d48806',
  'general-4': '#e8590c',
  important: '#d9363e',
  core: '#8c1c2b',
};

// Unknown names (a newer server) are shown as written.
const label = (group, name) => {
  if (!name) return '—';
  const text = t(`${group}.${name}`);
  return text === `${group}.${name}` ? name : text;
};
export const roleLabel = (role) => label('roles', role);
export const levelLabel = (level) => label('levels', level);
export const categoryLabel = (category) => label('categories', category);
export const OUTCOME_TAGS = { allowed: 'success', denied: 'danger', error: 'warning' };
export const outcomeLabel = (outcome) => label('outcomes', outcome);

// A Date (or a day picked as "YYYY-MM-DD", taken as the end of that local day) as the server's
// ISO 8601 UTC form without milliseconds: "2027-01-01T15:59:59Z".
export function isoUtc(value) {
  if (!value) return '';
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59`) : new Date(value);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Days before today cannot be picked as an expiry.
export const beforeToday = (date) => date < new Date(new Date().setHours(0, 0, 0, 0));

// 'active', 'expired' or 'revoked' for a token or a grant.
export function credentialState(item) {
  if (item.revoked || item.revoked_at) return 'revoked';
  if (item.expires_at && new Date(item.expires_at) <= new Date()) return 'expired';
  return 'active';
}
export const STATE_TAGS = { active: 'success', expired: 'info', revoked: 'danger' };

// Copies a secret shown once (a token, an app key or secret) and says whether it worked;
// without a clipboard (plain HTTP off localhost) the user copies it by hand.
export async function copySecret(text) {
  try {
    await navigator.clipboard.writeText(text);
    ElMessage.success(t('tokens.copied'));
  } catch {
    ElMessage.warning(t('tokens.copyFailed'));
  }
}
