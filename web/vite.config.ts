// Vite for the web client: React, a production build in dist/ (served by services/api), and a dev server on 5173
// that forwards the API's routes and sockets to a local API on 8080 (`pnpm start` runs one).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env['PARLEY_API_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 400 },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: api, ws: true },
      '/chat': { target: api, ws: true },
    },
  },
});
