/**
 * Vite config for the dashboard. The build lands in `dist/`, which the server serves; in
 * development the API is proxied to a server on 8080 so cookies stay same-origin.
 */
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const server = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/health': { target: server },
    },
  },
  preview: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/health': { target: server },
    },
  },
});
