// The box that says a command failed: a sentence the user can act on, each
// field's problem by the field's name, and a closed "Details" disclosure with
// the codes and the raw message for support. The codes stay in `data-code`
// and `data-server-code` (the tests and the end-to-end tests read them, and
// the text, which includes the closed disclosure's).
import type { ReactNode } from "react";
import type { CommandError } from "../api";
import { describeError } from "./language";

/** The sentence, the fields and the details of an error, for a box of a screen's own. */
export function ErrorText({ error }: { error: CommandError }) {
  const { sentence, fields, details } = describeError(error);
  return (
    <>
      <span className="error-sentence">{sentence}</span>
      {fields.length > 0 && (
        <ul className="error-fields">
          {fields.map((f) => (
            <li key={`${f.path}-${f.message}`} data-path={f.path}>
              {f.label}: {f.message}
            </li>
          ))}
        </ul>
      )}
      <details className="error-details">
        <summary>Details</summary>
        <dl>
          <dt>Code</dt>
          <dd>
            <code>{details.code}</code>
          </dd>
          {details.serverCode !== undefined && (
            <>
              <dt>Server code</dt>
              <dd>
                <code>{details.serverCode}</code>
              </dd>
            </>
          )}
          <dt>Message</dt>
          <dd className="error-raw">{details.message}</dd>
        </dl>
      </details>
    </>
  );
}

export function ErrorBox({
  error,
  id,
  className,
  seq,
  children,
}: {
  error: CommandError;
  id?: string;
  /** Classes besides `error`. */
  className?: string;
  /** The attempt this answers (`data-seq`), where a screen numbers its attempts. */
  seq?: number;
  /** Said before the sentence: what the screen was doing. */
  children?: ReactNode;
}) {
  return (
    <div
      role="alert"
      className={className ? `error ${className}` : "error"}
      id={id}
      data-code={error.code}
      data-server-code={error.serverCode}
      data-seq={seq}
    >
      {children}
      {children ? " " : null}
      <ErrorText error={error} />
    </div>
  );
}
