// A button for something that cannot be undone: pressed, it asks once more,
// with Confirm and Cancel in its place, and acts only when confirmed.
import { useState } from "react";

export function ConfirmButton({
  label,
  name,
  confirm,
  confirmName,
  question,
  className = "secondary",
  disabled = false,
  onConfirm,
}: {
  /** The button's text. */
  label: string;
  /** The button's accessible name, where its text alone does not say what it acts on. */
  name?: string;
  /** The confirming button's text. */
  confirm: string;
  /** The confirming button's accessible name. */
  confirmName?: string;
  /** Said before the confirming buttons. */
  question?: string;
  /** The button's classes. */
  className?: string;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} aria-label={name} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <>
      {question && <span className="confirm-question">{question}</span>}
      <button
        type="button"
        className="danger"
        aria-label={confirmName}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirm}
      </button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </>
  );
}
