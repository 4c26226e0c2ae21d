// The box that says a command failed: its code in `data-code` (the tests and
// the end-to-end tests read it), what the agent can act on in words, and the
// fields the command named.
import type { ReactNode } from "react";
import type { CommandError } from "../api";

const asIs = (error: CommandError) => error.message;

export function ErrorBox({
  error,
  id,
  className,
  seq,
  explain = asIs,
  fields = false,
  children,
}: {
  error: CommandError;
  id?: string;
  /** Classes besides `error`. */
  className?: string;
  /** The attempt this answers (`data-seq`), where a screen numbers its attempts. */
  seq?: number;
  /** The words for the error; its message by default. */
  explain?: (error: CommandError) => string;
  /** Lists the fields the command named below the message. */
  fields?: boolean;
  /** Said before the explanation. */
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
      {explain(error)}
      {fields && error.fields && error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={`${f.path}-${f.message}`} data-path={f.path}>
              {f.path}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
