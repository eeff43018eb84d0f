import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

/**
 * The tabs as one multi-page Vite app: index.html (personal dashboard) and meeting.html (shareback meeting tab),
 * served by the service under /tab/. Files in app/public (about, privacy, terms, configuration page) are copied as-is.
 * OUT_DIR lets the build script write to a temporary folder and swap it in, so a concurrent build never
 * leaves a half-written tab behind.
 * Each page is its own build (TAB_PAGE=index|meeting, run one after the other by tools/build-tab.ts): with both
 * pages in one build, Rollup hoists whatever the meeting page and the dashboard's lazy views share into the chunk
 * the dashboard loads first, and the first load grew from 158 to 225 KB gzip without any change to the dashboard.
 */
const appRoot = resolve(__dirname, 'app');
const page = process.env.TAB_PAGE ?? 'index';
export default defineConfig({
  root: appRoot,
  base: '/tab/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: process.env.TAB_OUT_DIR ?? resolve(__dirname, '../../dist/tab'),
    // The first page's build empties the folder; the next ones add to it.
    emptyOutDir: process.env.TAB_KEEP_OUT_DIR !== '1',
    target: 'es2022',
    sourcemap: false,
    // The bundle bench reads the manifest to follow what the first load really fetches.
    manifest: `.vite/manifest.${page}.json`,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: { [page]: resolve(appRoot, `${page}.html`) },
    },
  },
});
