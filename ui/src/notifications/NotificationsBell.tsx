// The top bar's bell: how many notifications are unread, and a panel that
// lists them in words; each opens what it is about. Opening the panel marks
// them read.
import { useState } from "react";
import { Button, Dialog, DialogTrigger, Heading, Popover } from "react-aria-components";
import type { Notification, Notifications } from "../bindings";
import { formatInstant } from "../shared/language";
import { notificationText } from "./words";

export interface NotificationsBellProps {
  notifications: Notifications;
  /** Marks every notification up to `upTo` (the newest shown) read. */
  onMarkRead: (upTo: number) => void;
  onOpenItem: (item: Notification) => void;
}

function bellLabel(unread: number): string {
  return unread === 0 ? "Notifications, none unread" : `Notifications, ${unread} unread`;
}

export function NotificationsBell({ notifications, onMarkRead, onOpenItem }: NotificationsBellProps) {
  const [open, setOpen] = useState(false);
  // The ones unread when the panel opened stay marked new while it is open.
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const { items, unread } = notifications;

  function openChange(next: boolean) {
    if (next) {
      setFresh(new Set(items.filter((n) => !n.read).map((n) => n.id)));
      const newest = items[0];
      if (newest && unread > 0) onMarkRead(newest.id);
    }
    setOpen(next);
  }

  return (
    <DialogTrigger isOpen={open} onOpenChange={openChange}>
      <Button className="tool bell" id="nav-notifications" aria-label={bellLabel(unread)} data-unread={unread}>
        {/* Drawn, not a font glyph: the system's fonts may have no bell (WebKitGTK showed a box). */}
        <svg
          aria-hidden="true"
          className="bell-icon"
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </Button>
      <Popover className="popover notifications-popover" placement="bottom end">
        <Dialog className="dialog" id="notifications" aria-labelledby="notifications-heading">
          {({ close }) => (
            <>
              <Heading slot="title" id="notifications-heading" className="notifications-heading">
                Notifications
              </Heading>
              {items.length === 0 ? (
                <p className="meta">Nothing yet: what sync brings (policies issued, referral decisions, rate packs) shows here.</p>
              ) : (
                <ul className="notifications-list">
                  {items.map((n) => (
                    <li key={n.id}>
                      <button
                        type="button"
                        className="notification"
                        data-kind={n.kind}
                        data-notification-id={n.id}
                        data-unread={fresh.has(n.id) ? "true" : undefined}
                        onClick={() => {
                          close();
                          onOpenItem(n);
                        }}
                      >
                        <span className="notification-text">
                          {fresh.has(n.id) && <span className="visually-hidden">New: </span>}
                          {notificationText(n)}
                        </span>
                        <time className="meta" dateTime={n.created_at}>
                          {formatInstant(n.created_at)}
                        </time>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Dialog>
      </Popover>
    </DialogTrigger>
  );
}
