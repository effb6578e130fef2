// A small i18n: the current locale, t() for strings and Intl-based formatters for numbers and dates.
// Everything reads `locale.value`, so templates re-render when the language is switched.
import { computed, ref } from 'vue';
import elementZh from 'element-plus/es/locale/lang/zh-cn';
import elementEn from 'element-plus/es/locale/lang/en';
import zh from './zh.js';
import en from './en.js';

const LOCALES = {
  'zh-CN': { messages: zh, element: elementZh },
  'en-US': { messages: en, element: elementEn },
};
const STORAGE_KEY = 'citydata.locale';

export const locale = ref(LOCALES[localStorage.getItem(STORAGE_KEY)] ? localStorage.getItem(STORAGE_KEY) : 'zh-CN');
export const elementLocale = computed(() => LOCALES[locale.value].element);
document.documentElement.lang = locale.value;

export function setLocale(value) {
  locale.value = value;
  localStorage.setItem(STORAGE_KEY, value);
  document.documentElement.lang = value;
}

// t('catalog.title') or t('catalog.total', { n: 3 }); an unknown key is shown as itself.
export function t(key, params) {
  const text = key.split('.').reduce((node, part) => node?.[part], LOCALES[locale.value].messages);
  if (typeof text !== 'string') return key;
  return params ? text.replace(/\{(\w+)\}/g, (_, name) => params[name] ?? '') : text;
}

const formatters = new Map();
function formatter(Kind, options) {
  const key = `${Kind.name}|${locale.value}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Kind(locale.value, options));
  return formatters.get(key);
}

const EMPTY = '—';

export function formatNumber(value, options) {
  if (value === null || value === undefined || value === '' || Number.isNaN(Number(value))) return EMPTY;
  return formatter(Intl.NumberFormat, options).format(Number(value));
}

export function formatPercent(part, whole) {
  if (!whole) return EMPTY;
  return formatNumber(part / whole, { style: 'percent', maximumFractionDigits: 1 });
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return EMPTY;
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return formatNumber(value, { style: 'unit', unit: BYTE_UNITS[unit], maximumFractionDigits: 1 });
}

// Server times are ISO 8601 in UTC ("2026-11-23T00:02:24Z"); they are shown in the browser's time zone.
export function formatDateTime(iso) {
  if (!iso) return EMPTY;
  return formatter(Intl.DateTimeFormat, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

// A calendar day ("2026-11-22") as the locale writes it.
export function formatDay(day) {
  if (!day) return EMPTY;
  return formatter(Intl.DateTimeFormat, { month: 'short', day: 'numeric', timeZone: 'UTC' })
    .format(new Date(`${day}T00:00:00Z`));
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return EMPTY;
  return formatNumber(seconds, { style: 'unit', unit: 'second', maximumFractionDigits: 2 });
}

export function zoneLabel(zone) {
  return t(`zones.${zone}`);
}
