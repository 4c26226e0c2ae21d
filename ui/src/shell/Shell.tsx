// The app shell: the top bar, the sidebar of screens, the command palette,
// the shortcuts and their help around the screen App.tsx routes to
// (`children`, its <main>). The shell owns none of the screens' state; it
// asks App to open one.
import { ReactNode, useCallback, useMemo, useState } from "react";
import type { EnrollmentStatus } from "../api";
import type { Product } from "../bindings";
import { CommandPalette, PaletteItem, PaletteSource } from "./CommandPalette";
import { HelpOverlay } from "./HelpOverlay";
import { NavKind, navItems, ScreenKind, ShellCommand } from "./screens";
import { SHORTCUTS, useShortcuts } from "./shortcuts";
import { Badges, Sidebar } from "./Sidebar";
import { shownTheme, ThemeChoice, useTheme } from "./theme";
import { TopBar } from "./TopBar";

export interface ShellProps {
  /** The screen shown, for the sidebar's current item. */
  screen: ScreenKind;
  enrollment: EnrollmentStatus | null;
  /** Changes waiting to sync, once counted. */
  pending: number | null;
  /** The organisation the user works for, when known. */
  organisation?: string | null;
  /** When the last sync finished (ISO instant); null is never. */
  lastSyncedAt?: string | null;
  /** The error code of the newest sync, when it failed after the last success. */
  lastSyncError?: string | null;
  /** The notifications' bell, in the top bar. */
  bell?: ReactNode;
  /** The app update notice, under the top bar on every screen. */
  update?: ReactNode;
  /** Counts beside sidebar items, such as referrals waiting. */
  badges?: Badges;
  /** More palette results for what the user typed (customers, quotes, policies...). */
  extraResults?: PaletteSource;
  /** Whether the screens may be opened: not before the first-launch choice. */
  navigation: boolean;
  /** Whether the connection shows: once the first-launch choice is known to be made. */
  connection: boolean;
  onOpen: (screen: NavKind) => void;
  onNewQuote: (product: Product) => void;
  children: ReactNode;
}

const PRODUCTS: { product: Product; label: string; keywords: string[] }[] = [
  { product: "personal-auto", label: "New auto quote", keywords: ["car", "vehicle", "personal auto"] },
  { product: "homeowners-ho3", label: "New home quote", keywords: ["homeowners", "house", "dwelling", "HO-3"] },
];

export function Shell(props: ShellProps) {
  const { screen, enrollment, navigation, onOpen, onNewQuote } = props;
  const [overlay, setOverlay] = useState<"none" | "palette" | "help">("none");
  const [theme, setTheme] = useTheme();
  const underwriter = enrollment?.state === "enrolled" && enrollment.role === "underwriter";
  const items = useMemo(() => navItems(underwriter), [underwriter]);
  const shortcuts = useMemo(() => SHORTCUTS.filter((s) => underwriter || !s.underwriter), [underwriter]);

  const run = useCallback(
    (command: ShellCommand) => {
      if (command.kind === "palette") setOverlay((o) => (o === "palette" ? "none" : "palette"));
      // The other shortcuts wait while a dialog is open.
      else if (overlay !== "none") return;
      else if (command.kind === "help") setOverlay("help");
      else if (command.kind === "new-quote") onNewQuote(command.product);
      else onOpen(command.screen);
    },
    [overlay, onNewQuote, onOpen],
  );
  useShortcuts(shortcuts, run, navigation);

  const shown = shownTheme(theme);
  const paletteItems: PaletteItem[] = [
    ...items.map((item) => ({ id: `open:${item.kind}`, label: `Go to ${item.label}`, group: "Screens", run: () => onOpen(item.kind) })),
    ...PRODUCTS.map((p) => ({
      id: `new:${p.product}`,
      label: p.label,
      group: "Actions",
      keywords: p.keywords,
      run: () => onNewQuote(p.product),
    })),
    { id: "sync", label: "Sync now", group: "Actions", keywords: ["server", "send", "receive"], run: () => onOpen("sync") },
    {
      id: "theme:toggle",
      label: `Use ${shown === "dark" ? "light" : "dark"} theme`,
      group: "Actions",
      keywords: ["toggle theme", "colours", "colors"],
      run: () => setTheme(shown === "dark" ? "light" : "dark"),
    },
    ...(theme !== "system"
      ? [{ id: "theme:system", label: "Use the system's theme", group: "Actions", keywords: ["theme"], run: () => setTheme("system") }]
      : []),
    { id: "help", label: "Show keyboard shortcuts", group: "Actions", keywords: ["help", "keys"], run: () => setOverlay("help") },
  ];

  return (
    <div className="shell" data-navigation={navigation ? "shown" : "hidden"}>
      <TopBar
        enrollment={enrollment}
        pending={props.pending}
        organisation={props.organisation}
        lastSyncedAt={props.lastSyncedAt}
        lastSyncError={props.lastSyncError}
        bell={navigation ? props.bell : undefined}
        notice={props.update}
        connection={props.connection}
        theme={theme}
        onTheme={(t: ThemeChoice) => setTheme(t)}
        onPalette={navigation ? () => setOverlay("palette") : undefined}
        onHelp={navigation ? () => setOverlay("help") : undefined}
      />
      <Sidebar items={items} current={screen} badges={props.badges} hidden={!navigation} onOpen={onOpen} />
      {props.children}
      {navigation && (
        <>
          <CommandPalette
            isOpen={overlay === "palette"}
            onOpenChange={(open) => setOverlay(open ? "palette" : "none")}
            items={paletteItems}
            extraResults={props.extraResults}
          />
          <HelpOverlay isOpen={overlay === "help"} onOpenChange={(open) => setOverlay(open ? "help" : "none")} shortcuts={shortcuts} />
        </>
      )}
    </div>
  );
}
