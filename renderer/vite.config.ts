// Standalone build of the renderer only (same output as electron-vite's renderer section), for
// working on the UI without rebuilding the main and preload bundles:
//   npx vite build -c renderer/vite.config.ts
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// import.meta.dirname (Node ≥ 20.11) rather than node:path: ESLint keeps Node imports out of renderer/.
const at = (path: string): string => `${import.meta.dirname}/${path}`;

export default defineConfig({
  root: at('.'),
  base: './',
  plugins: [vue()],
  build: {
    outDir: at('../out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: at('index.html') } },
  },
});
