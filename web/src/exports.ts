import { ApiError } from './api';
import { h, saveBlob } from './dom';

export type Format = 'csv' | 'xlsx';
type BlobCall = (format: Format) => Promise<{ data?: Blob; response: Response }>;

/** The file name the server chose (Content-Disposition), else `fallback.format`. */
function fileName(response: Response, fallback: string, format: Format): string {
  const m = /filename="?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '');
  return m ? m[1] : `${fallback}.${format}`;
}

/**
 * "CSV" and "XLSX" buttons for a chart: each asks the export endpoint (with the chart's own
 * parameters, through the typed client, the credential in a header) and saves what it answers.
 */
export function exportButtons(name: string, call: BlobCall): HTMLElement {
  const status = h('span', { class: 'export-status', role: 'status' });
  const button = (format: Format) =>
    h('button', {
      type: 'button',
      'data-export': `${name}-${format}`,
      onclick: async () => {
        status.textContent = `Preparing ${format.toUpperCase()}…`;
        try {
          const { data, response } = await call(format);
          if (!response.ok || !data) throw new ApiError(response.status, `Export failed (HTTP ${response.status})`);
          saveBlob(data, fileName(response, name, format));
          status.textContent = '';
        } catch (err) {
          status.textContent = err instanceof Error ? err.message : String(err);
        }
      },
    }, `Download ${format.toUpperCase()}`);
  return h('div', { class: 'exports', role: 'group', 'aria-label': `Download ${name} data` }, button('csv'), button('xlsx'), status);
}
