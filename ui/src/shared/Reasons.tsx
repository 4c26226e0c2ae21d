// Reasons the engine or the server wrote for a decision, in words: the rule's
// code is kept out of the text, in `data-code` and under a Details disclosure.
import { splitReason } from "./language";

/** A rule's code under a Details disclosure, for a reason shown in words. */
export function RuleDetails({ code }: { code: string }) {
  return (
    <details className="reason-details">
      <summary>Details</summary>
      Rule <code>{code}</code>
    </details>
  );
}

/**
 * Reasons written as `CODE: message` (see `splitReason`), a list item each:
 * the message, and its code in `data-code` and Details when it has one.
 * `label` names the list for assistive technology.
 */
export function ReasonList({ reasons, label }: { reasons: string[]; label?: string }) {
  return (
    <ul className="reasons" aria-label={label}>
      {reasons.map((r) => {
        const { code, message } = splitReason(r);
        return (
          <li key={r} data-code={code ?? undefined}>
            {message}
            {code && <RuleDetails code={code} />}
          </li>
        );
      })}
    </ul>
  );
}
