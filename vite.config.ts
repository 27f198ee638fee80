import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: path.resolve('src/web'),
  plugins: [react()],
  build: {
    outDir: path.resolve('dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      // ws: the live module's WebSockets (/api/v1/live/sessions/:id/ws).
      '/api': { target: `http://localhost:${process.env.API_PORT ?? 3000}`, ws: true },
      '/healthz': `http://localhost:${process.env.API_PORT ?? 3000}`,
    },
  },
});
