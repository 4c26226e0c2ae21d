// The notifications and where sync stands: loaded once the screens show,
// again whenever asked (a screen change, a sync) and after each background
// sync, which also makes the open quote screens load again when it changed
// something.
import { useEffect, useRef } from "react";
import { api, onBackgroundSync } from "../api";
import type { BackgroundSyncEvent, Notifications } from "../bindings";
import { QUOTES } from "../quotes/invalidation";
import { invalidate, useCommand } from "../shared/useCommand";

/** Whether a background sync brought or sent anything the screens show. */
export function syncChangedSomething(event: BackgroundSyncEvent): boolean {
  if (event.outcome !== "synced") return false;
  const r = event.result;
  return r.changesApplied > 0 || r.policiesIssued.length > 0 || r.packsInstalled.length > 0 || r.accepted > 0 || r.rejected > 0;
}

/** Stops a listener, whatever it answers: the event API is not there in tests. */
function stopQuietly(stop: () => void) {
  try {
    const answer = stop() as unknown;
    if (answer instanceof Promise) answer.catch(() => undefined);
  } catch {
    // Nothing to stop.
  }
}

export type Subscribe = (handler: (event: BackgroundSyncEvent) => void) => Promise<() => void>;

/**
 * The notifications, or null until loaded (and when they fail to load: the
 * top bar then shows nothing rather than an error). `subscribe` hears the
 * background syncs; `onSynced` is told of each too.
 */
export function useNotifications(enabled: boolean, subscribe: Subscribe = onBackgroundSync, onSynced?: () => void) {
  // Loaded by `reload` only: the caller loads at each screen change, the first included.
  const command = useCommand(api.notifications, [], { enabled: false });
  const reload = command.reload;
  const latestReload = useRef(reload);
  const latestOnSynced = useRef(onSynced);
  useEffect(() => {
    latestReload.current = reload;
    latestOnSynced.current = onSynced;
  });

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let stop: (() => void) | null = null;
    let subscribed: Promise<() => void>;
    try {
      subscribed = subscribe((event) => {
        if (!live) return;
        if (syncChangedSomething(event)) invalidate(QUOTES);
        void latestReload.current();
        latestOnSynced.current?.();
      });
    } catch {
      return;
    }
    subscribed.then(
      (unlisten) => {
        if (live) stop = unlisten;
        else stopQuietly(unlisten);
      },
      // No event API (the tests, a browser preview): the notifications load on screen changes only.
      () => undefined,
    );
    return () => {
      live = false;
      if (stop) stopQuietly(stop);
    };
  }, [enabled, subscribe]);

  const value: Notifications | null = command.kind === "loaded" ? command.value : null;
  return { value, reload };
}
