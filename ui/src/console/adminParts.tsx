// What the administrator's sections share: a list loaded from the server,
// an action that reloads it, what the last action did, and a confirmation
// that names the consequence before a change is made.
import { ReactNode, useState } from "react";
import type { CommandError } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { Command, useCommand } from "../shared/useCommand";
import type { Action } from "./session";

/** One of the administrator's lists, loaded on mount and on `reload`; a refusal may mean the session ended. */
export function useAdminList<T>(fetch: () => Promise<T[]>, onSessionLost: (e: CommandError) => void): Command<T[]> {
  return useCommand(fetch, [], { onFailed: onSessionLost });
}

/**
 * An administrator's action: busy, then done with its message and the lists
 * reloaded, or failed (a refused session is handed on).
 */
export function useAdminAction(
  onSessionLost: (e: CommandError) => void,
  reload: () => void,
): [Action, <T>(done: string | ((value: T) => string), f: () => Promise<T>) => Promise<boolean>] {
  const [action, setAction] = useState<Action>({ kind: "idle" });
  /**
   * Whether the change was made: a refusal says so in its sentence, never
   * "done". `done` is the sentence, or makes it from what the command answered.
   */
  async function run<T>(done: string | ((value: T) => string), f: () => Promise<T>) {
    setAction({ kind: "busy" });
    try {
      const value = await f();
      setAction({ kind: "done", value: typeof done === "string" ? done : done(value) });
      reload();
      return true;
    } catch (e) {
      setAction({ kind: "failed", error: e as CommandError });
      onSessionLost(e as CommandError);
      return false;
    }
  }
  return [action, run];
}

/** What the last administrator action of a section did: `ID-result` or `ID-action-error`. */
export function ActionResult({ id, action }: { id: string; action: Action }) {
  return (
    <>
      {action.kind === "done" && (
        <p role="status" id={`${id}-result`}>
          {action.value}
        </p>
      )}
      {action.kind === "failed" && <ErrorBox id={`${id}-action-error`} error={action.error} />}
    </>
  );
}

/**
 * A change waiting for the administrator's confirmation: `ask` opens the
 * dialog naming its consequence; `dialog` is the dialog to render (with the
 * section's `id`), and nothing is done unless it is confirmed.
 */
export function useConfirmation(id: string): { ask: (c: Confirmation) => void; dialog: ReactNode } {
  const [pending, setPending] = useState<Confirmation | null>(null);
  return { ask: setPending, dialog: <ConfirmDialog id={id} pending={pending} onClose={() => setPending(null)} /> };
}
