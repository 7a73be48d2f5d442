// The admin portal: a React single-page app built into web/dist, which `tandem serve` serves at /.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // `npx vite web` during development: API calls go to a running `tandem serve`.
  server: { proxy: { '/v1': 'http://localhost:8080' } },
});
