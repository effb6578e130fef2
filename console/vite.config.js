import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `npm run build` writes the console to dist/, which `citydata serve` serves at /.
// `npm run dev` serves it with hot reload and forwards /api to a running citydata server
// (CITYDATA_SERVER, default http://127.0.0.1:8080).
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The ECharts chunk (loaded only by pages with charts) is ~560 kB minified, ~190 kB gzipped.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': process.env.CITYDATA_SERVER || 'http://127.0.0.1:8080' },
  },
});
