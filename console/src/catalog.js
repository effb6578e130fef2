// Catalog vocabulary shared by the pages: zones, update cycles and the departments list.
import { computed, ref } from 'vue';
import { api } from './api.js';
import { t } from './i18n/index.js';

export const ZONES = ['raw', 'std', 'fact', 'theme'];
export const ZONE_TAGS = { raw: 'info', std: 'primary', fact: 'success', theme: 'warning' };

// Suggested update cycles; the catalog stores free text, so any other value is shown as written.
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'];
export function cycleLabel(cycle) {
  if (!cycle) return '—';
  return UPDATE_CYCLES.includes(cycle) ? t(`cycles.${cycle}`) : cycle;
}

// The departments (code → name), loaded once per page that asks for them.
export function useDepartments() {
  const departments = ref([]);
  const names = computed(() => new Map(departments.value.map((d) => [d.code, d.name])));
  async function reload() {
    departments.value = (await api.departments()).items;
  }
  reload().catch(() => {
    // without the list, departments are shown by their codes
  });
  return { departments, reload, deptName: (code) => names.value.get(code) ?? code ?? '—' };
}
