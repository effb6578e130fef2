// Quality vocabulary shared by the quality pages: dimensions, score formatting and colours.
import { formatNumber, t } from './i18n/index.js';

export const DIMENSIONS = ['validity', 'completeness', 'accuracy', 'consistency', 'timeliness', 'accessibility'];
export const SEVERITY_TAGS = { error: 'danger', warning: 'warning', info: 'info' };

export const dimensionLabel = (dimension) => (DIMENSIONS.includes(dimension) ? t(`quality.dimensions.${dimension}`) : dimension);
export const severityLabel = (severity) => (SEVERITY_TAGS[severity] ? t(`quality.severities.${severity}`) : severity);

// Scores are 0–100, shown with one decimal.
export const formatScore = (score) => formatNumber(score, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const scoreColor = (score) => (score >= 90 ? '#2ba471' : score >= 60 ? '#e6a23c' : '#e5484d');
export const scoreTag = (score) => (score >= 90 ? 'success' : score >= 60 ? 'warning' : 'danger');

// The columns a rule checks, as text ("sfzh", "a, b"; "—" for dataset-wide rules such as row_count).
export const ruleColumns = (rule) => (rule.columns?.length ? rule.columns : [rule.column]).filter(Boolean).join(', ') || '—';
