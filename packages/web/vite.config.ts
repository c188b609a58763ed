import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { earlyScript } from './vite-early-script.ts';

// Built into dist/web during `npm install` (scripts/build.mjs) and served by `keel server` at /.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), earlyScript()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // Node-only parts of the SDK (file uploads and downloads) are loaded lazily and never in a browser.
    rollupOptions: { external: [/^node:/] },
  },
});
