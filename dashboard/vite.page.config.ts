/**
 * Vite config for the page on the Pi (the dashboard's second entry, `pi/index.html`): built into
 * `edge/dist/page/`, which the edge agent serves on its local API port (edge/src/local-api/
 * static-page.ts) and the edge release copies next to its bundle. Relative asset paths (`base:
 * './'`), no network needed: nothing is loaded from the internet.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./pi', import.meta.url)),
  base: './',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../edge/dist/page', import.meta.url)),
    emptyOutDir: true,
  },
});
