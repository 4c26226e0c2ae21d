// Run before every test file: each test starts with nothing rendered, no
// command mocked and no theme chosen.
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

// jsdom has no CSS.escape, which React Aria's overlays call; WebKit and
// Chromium have it. Escaping every character outside [A-Za-z0-9_-] is enough
// for the selectors it builds.
if (typeof globalThis.CSS?.escape !== "function") {
  Object.assign((globalThis.CSS ??= {} as typeof CSS), { escape: (value: string) => value.replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`) });
}

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});
