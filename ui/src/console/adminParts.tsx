// What the administrator's sections share: a list loaded from the server,
// an action that reloads it, what the last action did, and a Revoke button
// that asks once more.
import { useState } from "react";
import type { CommandError } from "../api";
import { ConfirmButton } from "../shared/ConfirmButton";
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
): [Action, (done: string, f: () => Promise<unknown>) => Promise<void>] {
  const [action, setAction] = useState<Action>({ kind: "idle" });
  async function run(done: string, f: () => Promise<unknown>) {
    setAction({ kind: "busy" });
    try {
      await f();
      setAction({ kind: "done", value: done });
      reload();
    } catch (e) {
      setAction({ kind: "failed", error: e as CommandError });
      onSessionLost(e as CommandError);
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

/** A Revoke button that asks once more before it acts. */
export function ConfirmRevoke({ name, disabled, onConfirm }: { name: string; disabled: boolean; onConfirm: () => void }) {
  return (
    <ConfirmButton
      label="Revoke"
      name={`Revoke ${name}`}
      confirm="Confirm revoke"
      confirmName={`Confirm revoking ${name}`}
      disabled={disabled}
      onConfirm={onConfirm}
    />
  );
}
