// One way to load what a screen shows from a command: loading, then the
// value or the command's error, with `reload` and an invalidation tag that
// lets another screen say "what you show has changed".
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CommandError } from "../api";

export type Loaded<T> = { kind: "loading" } | { kind: "loaded"; value: T } | { kind: "failed"; error: CommandError };

export type Command<T> = Loaded<T> & {
  /** Runs the command again; resolves once its answer is shown. */
  reload: () => Promise<void>;
  /** Replaces what is shown, as when another command answered with the new value. */
  set: (next: Loaded<T>) => void;
};

export interface CommandOptions<T> {
  /** Reloads whenever `invalidate(tag)` is called. */
  tag?: string;
  /** Shows "loading" again on `reload` instead of keeping the last answer until the next. */
  resetOnReload?: boolean;
  /** Runs the command only once this is true (it stays loaded afterwards). */
  enabled?: boolean;
  /** Hears each value the command answers with. */
  onLoaded?: (value: T) => void;
  /** Hears each error the command fails with. */
  onFailed?: (error: CommandError) => void;
}

const LOADING = { kind: "loading" } as const;

const listeners = new Map<string, Set<() => void>>();

/** Makes every shown command tagged `tag` load again. */
export function invalidate(tag: string): void {
  listeners.get(tag)?.forEach((reload) => reload());
}

/** Calls `onInvalidate` whenever `invalidate(tag)` is called, while the component is mounted. */
export function useInvalidation(tag: string | undefined, onInvalidate: () => void): void {
  const latest = useRef(onInvalidate);
  useEffect(() => {
    latest.current = onInvalidate;
  });
  useEffect(() => {
    if (!tag) return;
    const listener = () => latest.current();
    const set = listeners.get(tag) ?? new Set();
    listeners.set(tag, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }, [tag]);
}

/**
 * Runs `command(...args)` when the component mounts and again whenever the
 * arguments change (compared by value); an answer to an older call is dropped.
 */
export function useCommand<A extends unknown[], T>(
  command: (...args: A) => Promise<T>,
  args: A,
  options: CommandOptions<T> = {},
): Command<T> {
  const { tag, resetOnReload = false, enabled = true, onLoaded, onFailed } = options;
  const key = JSON.stringify(args);
  // What is shown belongs to the arguments it was loaded for: new arguments show "loading".
  const [state, setState] = useState<{ key: string; loaded: Loaded<T> }>({ key, loaded: LOADING });
  const latest = useRef(0);
  const callbacks = useRef({ onLoaded, onFailed });
  useEffect(() => {
    callbacks.current = { onLoaded, onFailed };
  });

  /** Runs the command; its answer is shown if no later call was made and `live()` still holds. */
  const load = useCallback(
    (live: () => boolean) => {
      const seq = ++latest.current;
      const current = () => seq === latest.current && live();
      return command(...(JSON.parse(key) as A)).then(
        (value) => {
          if (!current()) return;
          setState({ key, loaded: { kind: "loaded", value } });
          callbacks.current.onLoaded?.(value);
        },
        (error: CommandError) => {
          if (!current()) return;
          setState({ key, loaded: { kind: "failed", error } });
          callbacks.current.onFailed?.(error);
        },
      );
    },
    [command, key],
  );

  useEffect(() => {
    if (!enabled) return;
    // Once the arguments change, or the component goes, an answer still on its way is dropped.
    let live = true;
    void load(() => live);
    return () => {
      live = false;
    };
  }, [load, enabled]);

  const reload = useCallback(() => {
    if (resetOnReload) setState({ key, loaded: LOADING });
    return load(() => true);
  }, [load, key, resetOnReload]);
  useInvalidation(tag, reload);

  const set = useCallback((loaded: Loaded<T>) => setState({ key, loaded }), [key]);
  const loaded = state.key === key ? state.loaded : LOADING;
  // The same object while nothing changes, so it may be a dependency.
  return useMemo(() => ({ ...loaded, reload, set }), [loaded, reload, set]);
}
