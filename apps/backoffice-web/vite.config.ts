import { defineConfig } from 'vite';

// The api that `npm run dev:web` forwards to: `npm start` listens on port 3000.
const API = 'http://127.0.0.1:3000';

// Built with this folder as Vite's root (`vite build apps/backoffice-web`); the api
// serves the build from dist/backoffice-web at /backoffice.
export default defineConfig({
  base: '/backoffice/',
  build: {
    outDir: '../../dist/backoffice-web',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // "use client" in TanStack Query's modules is for server components; a browser-only
      // bundle has nothing to keep it for.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/v1': API, '/health': API, '/admin': API },
  },
});
