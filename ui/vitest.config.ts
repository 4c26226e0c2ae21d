import { defineConfig } from "vitest/config";

// UI unit tests: components in jsdom, the Tauri IPC mocked (`@tauri-apps/api/mocks`).
// The real app and its real commands are tested end to end in tests/tests/desktop_e2e.rs.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test/setup.ts"], restoreMocks: true },
});
