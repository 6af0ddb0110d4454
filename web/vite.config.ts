import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The discovery page must stay light (BENCHMARKS.md): one small entry, the manager area split off.
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/graphql': 'http://localhost:4000' },
  },
});
