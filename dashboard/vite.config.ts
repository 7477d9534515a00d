/**
 * The dashboard's build and dev server. `npm run dev:dashboard` serves it with hot reload on :5173 and
 * proxies /api to the API on :3000 (API_URL overrides); `npm run build` writes dashboard/dist, which
 * the API serves at `/` (api/dashboard.ts).
 */
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': `${root}src` } },
  envPrefix: 'VITE_',
  server: {
    port: 5173,
    // changeOrigin: without a token the API answers only requests addressed to localhost.
    proxy: { '/api': { target: api, changeOrigin: true }, '/healthz': { target: api, changeOrigin: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // dist/.vite/manifest.json: the build reads the entry's static imports from it to size the initial load.
    manifest: true,
    reportCompressedSize: false,
  },
});
