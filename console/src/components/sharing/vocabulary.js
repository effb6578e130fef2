// Sharing vocabulary shared by the 共享交换 pages: the catalog's sharing and opening attributes, request
// states and delivery modes, with their labels and tag colours. Unknown names (a newer server) are shown
// as written.
import { t } from '../../i18n/index.js';

export const REQUEST_STATES = ['pending', 'approved', 'rejected'];
export const DELIVERY_MODES = ['api', 'file', 'sandbox'];

export const SHARING_TAGS = { unconditional: 'success', conditional: 'warning', none: 'danger' };
export const OPENING_TAGS = { open: 'success', conditional: 'warning', closed: 'info' };
export const REQUEST_STATE_TAGS = { pending: 'warning', approved: 'success', rejected: 'danger' };

// The longest period a request may ask for (share::kMaxDays on the server).
export const MAX_DAYS = 366;

const named = (group, name) => {
  if (!name) return '—';
  const key = `sharing.${group}.${name}`;
  const text = t(key);
  return text === key ? name : text;
};
export const sharingLabel = (name) => named('attrs', name);
export const openingLabel = (name) => named('opening', name);
export const requestStateLabel = (name) => named('states', name);
export const modeLabel = (name) => named('modes', name);

// The roles that decide requests for their department's resources (security::Action::kApproveRequests).
export const APPROVERS = ['admin', 'provider'];
