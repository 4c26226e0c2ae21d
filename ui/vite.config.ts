import { defineConfig } from "vite";

/** Which vendor chunk a module of node_modules goes in: React, the React Aria stack, or the rest. */
function vendorChunk(id: string): string | undefined {
  const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
  if (!m) return undefined;
  const name = m[1].replace(/\\/g, "/");
  if (["react", "react-dom", "scheduler"].includes(name)) return "react";
  if (/^(react-aria|react-aria-components|react-stately|@react-aria\/|@react-stately\/|@react-types\/|@internationalized\/)/.test(name)) {
    return "react-aria";
  }
  return "vendor";
}

// React's JSX is compiled by Vite's own esbuild step; no React plugin is needed
// for a production build, and the desktop loads the built files, not a dev server.
// The screens not on the first paint are split off in App.tsx (React.lazy); the
// libraries go in chunks of their own, so no chunk nears Vite's 500 kB warning.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
});
