// The wizard's live premium: the form's quote input is priced once typing
// pauses, and an older answer never replaces a newer one. The engine's
// messages come back keyed by the form's fields.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { QuoteInput, RatingView } from "../bindings";
import { fieldKey, Problems } from "./form";

/** How long typing must pause before the premium is re-priced. */
export const PRICE_DEBOUNCE_MS = 250;

/** `seq` numbers each pricing, so a reader can tell a fresh answer from the previous one. */
export type Price =
  | { kind: "incomplete"; seq: number }
  | { kind: "pricing"; seq: number; previous: RatingView | null }
  | { kind: "priced"; seq: number; rating: RatingView }
  | { kind: "failed"; seq: number; error: CommandError };

/** The engine's messages for an input it refused, keyed by the form's fields. */
export function engineProblems(error: CommandError, input: QuoteInput | null): Problems {
  const problems: Problems = {};
  for (const f of error.fields ?? []) problems[fieldKey(f.path, input)] ??= f.message;
  return problems;
}

export function useLivePrice(input: QuoteInput | null): {
  price: Price;
  /** The rating to show: the new one, or the last one while the next is worked out. */
  rating: RatingView | null;
  problems: Problems;
  setProblems: (problems: Problems) => void;
  /**
   * Resolves with the engine's field errors once the form as it stands is
   * priced (at once when nothing is being priced), so a step is not left on
   * an answer still on its way.
   */
  settled: () => Promise<Problems>;
  /** The engine's field errors as last answered (not waiting for a render). */
  problemsNow: () => Problems;
} {
  const [price, setPrice] = useState<Price>({ kind: "incomplete", seq: 0 });
  const [problems, setProblemsState] = useState<Problems>({});
  const priceSeq = useRef(0);
  const answered = useRef(0);
  const latestProblems = useRef<Problems>({});
  const waiting = useRef<((problems: Problems) => void)[]>([]);
  const setProblems = useCallback((next: Problems) => {
    latestProblems.current = next;
    setProblemsState(next);
  }, []);
  /** The answer to pricing `seq` (the latest): the problems it found, to whoever waits. */
  const settle = useCallback(
    (seq: number, next: Problems) => {
      answered.current = seq;
      setProblems(next);
      const waiters = waiting.current;
      waiting.current = [];
      waiters.forEach((resolve) => resolve(next));
    },
    [setProblems],
  );
  const settled = useCallback(
    () =>
      answered.current === priceSeq.current
        ? Promise.resolve(latestProblems.current)
        : new Promise<Problems>((resolve) => waiting.current.push(resolve)),
    [],
  );

  const inputJson = input ? JSON.stringify(input) : null;
  useEffect(() => {
    const seq = ++priceSeq.current;
    if (!inputJson) {
      setPrice({ kind: "incomplete", seq });
      settle(seq, {});
      return;
    }
    // The last premium stays on screen, marked as updating, until the new one arrives.
    setPrice((p) => ({ kind: "pricing", seq, previous: p.kind === "priced" ? p.rating : p.kind === "pricing" ? p.previous : null }));
    const timer = setTimeout(() => {
      const priced = JSON.parse(inputJson) as QuoteInput;
      api.priceQuote(priced).then(
        (rating) => {
          if (seq !== priceSeq.current) return;
          setPrice({ kind: "priced", seq, rating });
          settle(seq, {});
        },
        (error: CommandError) => {
          if (seq !== priceSeq.current) return;
          setPrice({ kind: "failed", seq, error });
          settle(seq, engineProblems(error, priced));
        },
      );
    }, PRICE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [inputJson, settle]);

  const rating = price.kind === "priced" ? price.rating : price.kind === "pricing" ? price.previous : null;
  const problemsNow = useCallback(() => latestProblems.current, []);
  return { price, rating, problems, setProblems, settled, problemsNow };
}
