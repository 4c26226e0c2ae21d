// The wizard's draft: saved (debounced) after every change, one save at a
// time, so a half-finished quote survives closing the app.
import { RefObject, useCallback, useEffect, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { WizardForm } from "./form";

/** How long typing must pause before the draft is saved. */
export const DRAFT_DEBOUNCE_MS = 400;

export type DraftState = "unsaved" | "saving" | "saved" | CommandError;

export function useDraftAutosave({
  form,
  step,
  quoteId,
  keepsNoDraft,
  touched,
}: {
  form: WizardForm | null;
  step: number;
  /** The saved quote the draft edits, if any. */
  quoteId: number | null;
  /** An endorsement keeps no draft: the policy is its record. */
  keepsNoDraft: boolean;
  /** Whether the agent changed anything since the wizard opened (or the last save). */
  touched: RefObject<boolean>;
}) {
  const [draftId, setDraftId] = useState<number | null>(null);
  const [state, setState] = useState<DraftState>("unsaved");
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const idRef = useRef<number | null>(null);
  const finished = useRef(false);

  const save = useCallback(
    (f: WizardForm, s: number) => {
      // Once the quote is being saved, its draft is the server's to delete.
      if (finished.current || keepsNoDraft) return chain.current;
      setState("saving");
      chain.current = chain.current.then(() =>
        api
          .saveDraft(idRef.current, {
            quote_id: quoteId,
            product: f.product,
            step: s + 1,
            label: f.name.trim(),
            form: f as unknown as Record<string, unknown>,
          })
          .then(
            (summary) => {
              idRef.current = summary.id;
              setDraftId(summary.id);
              setState("saved");
            },
            (e: CommandError) => setState(e),
          ),
      );
      return chain.current;
    },
    [quoteId, keepsNoDraft],
  );

  useEffect(() => {
    if (!form || !touched.current) return;
    const timer = setTimeout(() => void save(form, step), DRAFT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [form, step, save, touched]);

  /** A resumed draft is saved as it stands. */
  const resumed = useCallback((id: number) => {
    idRef.current = id;
    setDraftId(id);
    setState("saved");
  }, []);

  /**
   * Stops saving the draft and waits for a save in flight (a later one would
   * re-create the draft the quote's save deletes); gives the draft's id.
   */
  const finish = useCallback(async () => {
    finished.current = true;
    await chain.current;
    return idRef.current;
  }, []);

  /** Saving the quote failed: the draft is saved again as the agent goes on. */
  const unfinish = useCallback(() => {
    finished.current = false;
  }, []);

  return { draftId, state, save, resumed, finish, unfinish };
}
