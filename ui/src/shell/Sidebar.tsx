// The screens the user may open, grouped by the work they are for. Each item
// keeps the id the end-to-end tests click and marks the open screen with
// aria-current.
import { NavItem, NavKind, ScreenKind } from "./screens";

/** A count beside an item (referrals waiting, say); none when absent or zero. */
export type Badges = Partial<Record<ScreenKind, number>>;

export function Sidebar({
  items,
  current,
  badges = {},
  hidden,
  onOpen,
}: {
  items: NavItem[];
  current: ScreenKind;
  badges?: Badges;
  hidden: boolean;
  onOpen: (screen: NavKind) => void;
}) {
  const groups = [...new Set(items.map((item) => item.group))];
  return (
    <nav className="sidebar" aria-label="Screens" hidden={hidden}>
      {groups.map((group) => (
        <div className="nav-group" key={group}>
          <p className="nav-heading" id={`nav-group-${group.toLowerCase()}`}>
            {group}
          </p>
          <ul aria-labelledby={`nav-group-${group.toLowerCase()}`}>
            {items
              .filter((item) => item.group === group)
              .map((item) => {
                const badge = badges[item.kind];
                return (
                  <li key={item.id}>
                    <button
                      type="button"
                      id={item.id}
                      className="nav-item"
                      aria-current={current === item.kind ? "page" : undefined}
                      onClick={() => onOpen(item.kind)}
                    >
                      {item.label}
                      {badge !== undefined && badge > 0 && (
                        <span className="badge" data-count={badge}>
                          {badge}
                          <span className="visually-hidden"> waiting</span>
                        </span>
                      )}
                    </button>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
