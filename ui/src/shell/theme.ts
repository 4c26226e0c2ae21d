// The colour theme: the system's unless the user chose one, and the choice
// kept on this workstation. theme.css reads `data-theme` on <html>; without
// it the tokens follow the system's `prefers-color-scheme`.
import { useCallback, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";

/** Where the choice is kept (localStorage). */
export const THEME_KEY = "uw.theme";

export const THEME_LABEL: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** The stored choice; "system" when none was made or storage cannot be read. */
export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Shows `choice`: an explicit theme as `data-theme`, the system's as no attribute. */
export function applyTheme(choice: ThemeChoice) {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** Shows `choice` and keeps it. */
export function saveTheme(choice: ThemeChoice) {
  applyTheme(choice);
  try {
    if (choice === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage refused (a private window): the choice lasts until the app closes.
  }
}

/** The theme on screen now: the choice, or the system's. */
export function shownTheme(choice: ThemeChoice): "light" | "dark" {
  if (choice !== "system") return choice;
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The choice and a setter that shows and keeps it. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(storedTheme);
  const choose = useCallback((next: ThemeChoice) => {
    saveTheme(next);
    setChoice(next);
  }, []);
  return [choice, choose];
}
