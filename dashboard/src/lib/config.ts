/** Settings the API writes into the page it serves (api/dashboard.ts); build-time defaults otherwise. */
function meta(name: string, fallback: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || fallback;
}

export const temporalUiUrl = meta('es-temporal-ui', 'http://localhost:8233').replace(/\/+$/, '');
export const temporalNamespace = meta('es-temporal-namespace', 'default');

/** The run's page in the Temporal Web UI (the workflow id is the migration id). */
export function temporalRunUrl(workflowId: string): string {
  return `${temporalUiUrl}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
