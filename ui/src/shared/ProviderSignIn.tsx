// Signing in through the organization's sign-in service, as the enrollment
// form and the consoles' sign-in forms offer it: the services the server
// offers, asked once its address is typed, and one button for each. The
// system browser does the signing in; the app waits until the person is back.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, SignInProviderView } from "../api";

/** How long typing the server's address must pause before the server is asked. */
const PAUSE_MS = 600;

const NONE: SignInProviderView[] = [];

/** Whether the text can be a server's address yet (`https://` and a host): anything shorter is not asked about. */
function looksLikeServer(text: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(text);
}

/**
 * The sign-in services the server at `serverUrl` offers, asked once typing
 * pauses; `look` asks at once (when the address field loses focus). None
 * while the address is incomplete, or empty (unless `enrolledWhenEmpty`:
 * then the server this device enrolled with is asked), or when the server
 * cannot say: the username and password still work.
 */
export function useSignInProviders(
  serverUrl: string,
  { enrolledWhenEmpty = false }: { enrolledWhenEmpty?: boolean } = {},
): { providers: SignInProviderView[]; look: () => void } {
  const url = serverUrl.trim();
  const [answer, setAnswer] = useState<{ url: string; providers: SignInProviderView[] } | null>(null);
  /** The address asked about last; an answer for another one is dropped. */
  const asked = useRef<string | null>(null);
  const ask = useCallback(
    (target: string) => {
      if (!(looksLikeServer(target) || (enrolledWhenEmpty && target === "")) || asked.current === target) return;
      asked.current = target;
      api.signInProviders(target).then(
        (providers) => {
          if (asked.current === target) setAnswer({ url: target, providers });
        },
        () => {
          // Asked again when the field next loses focus.
          if (asked.current === target) asked.current = null;
        },
      );
    },
    [enrolledWhenEmpty],
  );
  useEffect(() => {
    const timer = setTimeout(() => ask(url), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [url, ask]);
  return { providers: answer?.url === url ? answer.providers : NONE, look: () => ask(url) };
}

/**
 * Gives up waiting for the browser: the pending sign-in then fails, and
 * `cancelled` tells the form not to show that as an error.
 */
export function useCancelSignIn(): { cancelled: React.MutableRefObject<boolean>; cancel: () => void; begin: () => void } {
  const cancelled = useRef(false);
  return {
    cancelled,
    begin: () => {
      cancelled.current = false;
    },
    cancel: () => {
      cancelled.current = true;
      void api.cancelProviderSignIn().catch(() => undefined);
    },
  };
}

/** What the app says while the person signs in in the browser. */
export const WAITING_FOR_BROWSER = "Finish signing in in your browser. This window continues when you are done.";

/**
 * One "Sign in with …" button for each service, with `ID-providers` as the
 * group's id; while `waiting`, every button is disabled and the status line
 * `ID-waiting` says to finish in the browser. Nothing when there is no service
 * and nobody is waiting.
 */
export function ProviderButtons({
  idPrefix,
  providers,
  intro,
  disabled,
  waiting,
  onChoose,
  onCancel,
}: {
  idPrefix: string;
  providers: SignInProviderView[];
  /** Said before the buttons. */
  intro: string;
  disabled: boolean;
  waiting: boolean;
  onChoose: (provider: SignInProviderView) => void;
  /** Gives up waiting for the browser (the `ID-cancel-sign-in` button). */
  onCancel: () => void;
}) {
  // While the browser is open the line stays, even if the address was changed meanwhile.
  if (providers.length === 0 && !waiting) return null;
  return (
    <div className="provider-sign-in" id={`${idPrefix}-providers`} role="group" aria-labelledby={`${idPrefix}-providers-intro`}>
      <p className="meta" id={`${idPrefix}-providers-intro`}>
        {intro}
      </p>
      <div className="provider-buttons">
        {providers.map((p) => (
          <button
            type="button"
            className="secondary"
            key={p.id}
            id={`${idPrefix}-provider-${p.id}`}
            data-provider={p.id}
            disabled={disabled || waiting}
            onClick={() => onChoose(p)}
          >
            Sign in with {p.displayName}
          </button>
        ))}
      </div>
      {waiting && (
        <div className="provider-waiting">
          <p role="status" className="notice" id={`${idPrefix}-waiting`}>
            {WAITING_FOR_BROWSER}
          </p>
          <button type="button" className="secondary" id={`${idPrefix}-cancel-sign-in`} onClick={onCancel}>
            Stop waiting
          </button>
        </div>
      )}
    </div>
  );
}
