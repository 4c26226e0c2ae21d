// Labelled inputs whose validation message stands next to them. Every input
// has a visible label tied to it by `for` (the message is not part of the
// label, so the field's name stays its label), and an invalid one points at its message
// (aria-describedby), so a screen reader and the tests find both by label.
import type { ReactNode } from "react";

/** `drivers.0.name` becomes the element id `f-drivers-0-name`. */
export function fieldId(key: string): string {
  return `f-${key.replace(/\./g, "-")}`;
}

interface Common {
  field: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
}

function Message({ field, error, hint }: { field: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && !error && (
        <span className="hint" id={`${fieldId(field)}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${fieldId(field)}-error`} role="alert" data-field={field}>
          {error}
        </span>
      )}
    </>
  );
}

function describedBy(field: string, error?: string, hint?: ReactNode): string | undefined {
  if (error) return `${fieldId(field)}-error`;
  if (hint) return `${fieldId(field)}-hint`;
  return undefined;
}

export function TextField({
  field,
  label,
  value,
  onChange,
  error,
  hint,
  className,
  placeholder,
  inputMode,
  maxLength,
  autoComplete,
  onBlur,
  readOnly,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  inputMode?: "text" | "numeric" | "decimal" | "email" | "tel";
  maxLength?: number;
  autoComplete?: string;
  onBlur?: () => void;
  readOnly?: boolean;
}) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={fieldId(field)}>{label}</label>
      <input
        id={fieldId(field)}
        name={field}
        value={value}
        placeholder={placeholder}
        inputMode={inputMode}
        maxLength={maxLength}
        autoComplete={autoComplete ?? "off"}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, error, hint)}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      />
      <Message field={field} error={error} hint={hint} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  value,
  onChange,
  options,
  error,
  hint,
  className,
  disabled,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  disabled?: boolean;
}) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={fieldId(field)}>{label}</label>
      <select
        id={fieldId(field)}
        name={field}
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, error, hint)}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Message field={field} error={error} hint={hint} />
    </div>
  );
}

export function CheckField({
  field,
  label,
  checked,
  onChange,
  disabled,
  error,
}: {
  field: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  error?: string;
}) {
  return (
    <div className="check">
      <input
        type="checkbox"
        id={fieldId(field)}
        name={field}
        checked={checked}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, error)}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={fieldId(field)}>{label}</label>
      <Message field={field} error={error} />
    </div>
  );
}
