// For strings that end up in innerHTML, such as an ECharts tooltip formatter's result (issue #21).
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value; null/undefined become ''. */
export function escapeHtml(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Template tag: the literal parts are trusted markup, every interpolated value is escaped.
 * Not named `html`: Prettier would reformat such templates as HTML and change the output.
 */
export function safeHtml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + (i > 0 ? escapeHtml(values[i - 1]) : '') + s, '');
}
