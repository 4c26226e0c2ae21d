import { defineConfig } from "vite";

// React's JSX is compiled by Vite's own esbuild step; no React plugin is needed
// for a production build, and the desktop loads the built files, not a dev server.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "safari16", outDir: "dist", emptyOutDir: true },
});
