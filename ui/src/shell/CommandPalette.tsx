// The command palette (Ctrl+K): one text box that filters the screens the
// user may open and the app's main actions, then Enter runs the one picked.
// Other sources add results through `extraResults` (customers, quotes,
// policies...): it is asked after a short pause with what was typed, an
// answer to an older query is dropped, and "Searching…" shows meanwhile.
import { useEffect, useState } from "react";
import {
  Autocomplete,
  Dialog,
  Header,
  Input,
  Label,
  Menu,
  MenuItem,
  MenuSection,
  Modal,
  ModalOverlay,
  Text,
  TextField,
  useFilter,
} from "react-aria-components";

export interface PaletteItem {
  /** Unique among everything the palette lists. */
  id: string;
  label: string;
  /** The heading it is listed under: "Screens", "Actions", or a source's own ("Customers"). */
  group: string;
  /** A second, quieter line (a quote's customer, a policy's term). */
  detail?: string;
  /** More words the palette's own filter matches; a source's results are shown as it answers them. */
  keywords?: string[];
  run: () => void;
}

/**
 * More results for what the user typed. Called with the trimmed query once
 * typing pauses; `signal` aborts when the query changes or the palette
 * closes. A rejection shows "Search failed" and keeps the palette's own items.
 */
export type PaletteSource = (query: string, signal: AbortSignal) => Promise<PaletteItem[]>;

/** How long typing must pause before a source is asked. */
const PAUSE_MS = 150;

type Extra = { state: "idle" | "searching" | "failed"; items: PaletteItem[] } | { state: "done"; items: PaletteItem[] };

/** The source's answer for `query`, or "searching" until it comes. */
function useExtraResults(source: PaletteSource | undefined, query: string): Extra {
  const [answer, setAnswer] = useState<{ query: string; extra: Extra } | null>(null);
  useEffect(() => {
    if (!source || query === "") return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      source(query, controller.signal).then(
        (items) => !controller.signal.aborted && setAnswer({ query, extra: { state: "done", items } }),
        () => !controller.signal.aborted && setAnswer({ query, extra: { state: "failed", items: [] } }),
      );
    }, PAUSE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [source, query]);
  if (!source || query === "") return { state: "idle", items: [] };
  return answer?.query === query ? answer.extra : { state: "searching", items: [] };
}

/** The items by group, groups in the order they first appear. */
function grouped(items: PaletteItem[]): [string, PaletteItem[]][] {
  const groups = new Map<string, PaletteItem[]>();
  for (const item of items) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
  return [...groups];
}

function PaletteBody({ items, extraResults, close }: { items: PaletteItem[]; extraResults?: PaletteSource; close: () => void }) {
  const [input, setInput] = useState("");
  const query = input.trim();
  const { contains } = useFilter({ sensitivity: "base" });
  // Every word typed must appear in the label or a keyword, in any order.
  const words = query.split(/\s+/).filter(Boolean);
  const own = items.filter((item) => {
    const text = [item.label, item.group, ...(item.keywords ?? [])].join(" ");
    return words.every((w) => contains(text, w));
  });
  const extra = useExtraResults(extraResults, query);
  const shown = [...own, ...extra.items];
  const byId = new Map(shown.map((item) => [item.id, item]));

  return (
    <Autocomplete inputValue={input} onInputChange={setInput}>
      <TextField className="palette-field" autoFocus>
        <Label className="visually-hidden">Search or run a command</Label>
        <Input placeholder="Search or run a command" />
      </TextField>
      <p className="palette-status" role="status">
        {extra.state === "searching"
          ? "Searching…"
          : extra.state === "failed"
            ? "The search did not answer; the commands below still work."
            : ""}
      </p>
      <Menu
        className="palette-list"
        aria-label="Commands"
        onAction={(key) => {
          const item = byId.get(String(key));
          if (!item) return;
          close();
          item.run();
        }}
        renderEmptyState={() => (extra.state === "searching" ? null : <p className="palette-empty">Nothing matches.</p>)}
      >
        {grouped(shown).map(([group, list]) => (
          <MenuSection key={group} id={`group:${group}`} className="palette-group">
            <Header className="palette-heading">{group}</Header>
            {list.map((item) => (
              <MenuItem key={item.id} id={item.id} textValue={item.label} className="palette-item">
                {/* The label holds the detail too: an item's name is every word it shows (WCAG 2.5.3, label in name). */}
                <Text slot="label" className="palette-label">
                  {item.label}
                  {item.detail && <span className="palette-detail">{` · ${item.detail}`}</span>}
                </Text>
              </MenuItem>
            ))}
          </MenuSection>
        ))}
      </Menu>
    </Autocomplete>
  );
}

export function CommandPalette({
  isOpen,
  onOpenChange,
  items,
  extraResults,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  items: PaletteItem[];
  extraResults?: PaletteSource;
}) {
  return (
    <ModalOverlay className="modal-overlay palette-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="modal palette">
        <Dialog className="dialog" aria-label="Command palette" id="command-palette">
          {/* Mounted afresh each time it opens, so it starts empty. */}
          {({ close }) => <PaletteBody items={items} extraResults={extraResults} close={close} />}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
