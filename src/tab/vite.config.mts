import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

/**
 * The tabs as one multi-page Vite app: index.html (personal dashboard) and meeting.html (shareback meeting tab),
 * served by the service under /tab/. Files in app/public (about, privacy, terms, configuration page) are copied as-is.
 * OUT_DIR lets the build script write to a temporary folder and swap it in, so a concurrent build never
 * leaves a half-written tab behind.
 */
const appRoot = resolve(__dirname, 'app');
export default defineConfig({
  root: appRoot,
  base: '/tab/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: process.env.TAB_OUT_DIR ?? resolve(__dirname, '../../dist/tab'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The bundle bench reads the manifest to follow what the first load really fetches.
    manifest: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: { index: resolve(appRoot, 'index.html'), meeting: resolve(appRoot, 'meeting.html') },
    },
  },
});
