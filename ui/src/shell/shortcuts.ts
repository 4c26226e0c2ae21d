// The keyboard shortcuts, in one place: the key handler runs them and the
// help overlay lists them. Screens are "g then a letter" rather than Alt+digit:
// a sequence of plain keys never collides with WebKitGTK's or the desktop's
// own Alt and Ctrl bindings, and a screen keeps its letter whatever the role.
import { useEffect, useRef } from "react";
import { NAV_ITEMS, ShellCommand } from "./screens";

export type Keys =
  /** One key, with Ctrl (or ⌘ on a Mac) when `mod`. */
  | { key: string; mod?: boolean }
  /** Two plain keys, one after the other. */
  | { sequence: [string, string] };

export interface Shortcut {
  keys: Keys;
  description: string;
  command: ShellCommand;
  /** Whether it also works while the user types in a field (only the palette does). */
  whileTyping?: boolean;
  /** Only for underwriters, as its screen is. */
  underwriter?: boolean;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: { key: "k", mod: true }, description: "Open the command palette", command: { kind: "palette" }, whileTyping: true },
  { keys: { key: "?" }, description: "Show keyboard shortcuts", command: { kind: "help" } },
  { keys: { key: "n", mod: true }, description: "New auto quote", command: { kind: "new-quote", product: "personal-auto" } },
  ...NAV_ITEMS.map((item): Shortcut => ({
    keys: { sequence: ["g", item.letter] },
    description: `Go to ${item.label}`,
    command: { kind: "open", screen: item.kind },
    underwriter: item.underwriter,
  })),
];

/** How long the second key of a sequence may wait for. */
const SEQUENCE_MS = 1500;

const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The keys as the help overlay shows them, one label a key. */
export function keyLabels(keys: Keys): string[] {
  if ("sequence" in keys) return keys.sequence.map((k) => k.toUpperCase());
  const key = keys.key.length === 1 ? keys.key.toUpperCase() : keys.key;
  return keys.mod ? [MAC ? "⌘" : "Ctrl", key] : [key];
}

/** The same for `aria-keyshortcuts`. */
export function ariaKeys(keys: Keys): string {
  if ("sequence" in keys) return keys.sequence.join(" ");
  return keys.mod ? `${MAC ? "Meta" : "Control"}+${keys.key.toUpperCase()}` : keys.key;
}

/** Whether the key went to a field the user types in, where plain keys are text. */
export function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target.isContentEditable
  );
}

function plain(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey;
}

/** The shortcut `e` completes; `previous` is the plain key before it, if still waiting. */
export function match(e: KeyboardEvent, previous: string | null, shortcuts: Shortcut[] = SHORTCUTS): Shortcut | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  for (const s of shortcuts) {
    if ("sequence" in s.keys) {
      if (previous === s.keys.sequence[0] && key === s.keys.sequence[1] && plain(e)) return s;
    } else if (s.keys.mod) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && key === s.keys.key) return s;
    } else if (key === s.keys.key && !e.ctrlKey && !e.metaKey && !e.altKey) {
      return s;
    }
  }
  return null;
}

/** Whether `key` starts a sequence. */
function starts(key: string, shortcuts: Shortcut[]): boolean {
  return shortcuts.some((s) => "sequence" in s.keys && s.keys.sequence[0] === key);
}

/**
 * Runs the shortcuts in `shortcuts` from anywhere in the document. Only those
 * marked `whileTyping` work in a field; with `enabled` false none do.
 */
export function useShortcuts(shortcuts: Shortcut[], run: (command: ShellCommand) => void, enabled: boolean) {
  // The latest of each, so the listener is added once.
  const latest = useRef({ shortcuts, run, enabled });
  useEffect(() => {
    latest.current = { shortcuts, run, enabled };
  });
  useEffect(() => {
    let previous: { key: string; at: number } | null = null;
    const onKeyDown = (e: KeyboardEvent) => {
      const { shortcuts, run, enabled } = latest.current;
      if (!enabled || e.defaultPrevented || e.isComposing) return;
      const inField = typing(e.target);
      const waiting = previous && Date.now() - previous.at < SEQUENCE_MS ? previous.key : null;
      previous = null;
      const found = match(e, waiting, shortcuts);
      if (found && (found.whileTyping || !inField)) {
        e.preventDefault();
        run(found.command);
        return;
      }
      const key = e.key.toLowerCase();
      if (!inField && plain(e) && starts(key, shortcuts)) previous = { key, at: Date.now() };
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
