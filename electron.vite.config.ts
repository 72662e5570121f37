import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { samplesPlugin, paths } from './renderer/vite.samples.mjs';
import { icedX86Plugin } from './renderer/vite.iced.mjs';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot require() anything but 'electron': bundle everything into one CJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(root, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    // samplesPlugin copies samples/ into out/renderer/samples (served at app://modscope/samples/…).
    plugins: [react(), samplesPlugin(paths.samples), icedX86Plugin()],
    // iced-x86 (CommonJS + fs) becomes an inline-wasm ES module for the engine worker.
    worker: { format: 'es', plugins: () => [icedX86Plugin()] },
    optimizeDeps: { exclude: ['iced-x86'] },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // One stylesheet, the rules in the order they had before main.tsx imported the app as a chunk of its own.
      cssCodeSplit: false,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
