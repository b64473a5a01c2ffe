// Saves text as a file from the renderer (no Node, no Electron dialog): a Blob and an <a download>.
export function downloadText(filename: string, text: string, mime = 'text/csv;charset=utf-8'): void {
  // A BOM makes spreadsheet programs read UTF-8 names (ü, é…) correctly.
  const body = mime.startsWith('text/csv') && !text.startsWith('\ufeff') ? `\ufeff${text}` : text;
  const url = URL.createObjectURL(new Blob([body], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFilename(filename);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function safeFilename(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return cleaned.slice(0, 120) || 'export.csv';
}
