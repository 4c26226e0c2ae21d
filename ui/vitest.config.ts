import { defineConfig } from "vitest/config";

// UI unit tests: components in jsdom, the Tauri IPC mocked (`@tauri-apps/api/mocks`).
// The real app and its real commands are tested end to end in tests/tests/desktop_e2e.rs.
// The tests may read the engine's sources (`?raw`), such as the rating variables the UI names.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  server: { fs: { allow: [".", "../crates/rating/src"] } },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test/setup.ts"], restoreMocks: true },
});
