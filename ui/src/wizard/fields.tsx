// Labelled inputs whose validation message stands next to them. Every input
// has a visible label tied to it by `for` (the message is not part of the
// label, so the field's name stays its label), and an invalid one points at its message
// (aria-describedby), so a screen reader and the tests find both by label.
import { ReactNode } from "react";
import { Button, ComboBox, Input, ListBox, ListBoxItem, Popover } from "react-aria-components";
import { DateInput } from "../shared/DateField";
import { maskPhone } from "./form";
import { matchesState, resolveState, STATE_CODES, stateOption, typedState } from "./states";

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

/**
 * A phone number, masked as it is typed at the end of the field
 * (`(213) 555-0142`); a deletion, or typing in the middle, stays as typed.
 */
export function PhoneField({
  field,
  label,
  value,
  onChange,
  error,
  hint,
  className,
}: Common & { value: string; onChange: (value: string) => void }) {
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={fieldId(field)}>{label}</label>
      <input
        id={fieldId(field)}
        name={field}
        value={value}
        placeholder="(415) 555-0134"
        inputMode="tel"
        autoComplete="tel"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, error, hint)}
        onChange={(e) => {
          const typed = e.target.value;
          const atEnd = e.target.selectionStart === null || e.target.selectionStart >= typed.length;
          onChange(typed.length > value.length && atEnd ? maskPhone(typed) : typed);
        }}
      />
      <Message field={field} error={error} hint={hint} />
    </div>
  );
}

/**
 * A date: typed as YYYY-MM-DD (or MM/DD/YYYY, written as YYYY-MM-DD when the
 * field is left), or picked from a calendar beside it (shared/DateField).
 * `min` and `max` (YYYY-MM-DD) bound what the calendar offers; the form's
 * checks still judge what is typed.
 */
export function DateField({
  field,
  label,
  value,
  onChange,
  error,
  hint,
  className,
  pickerLabel,
  min,
  max,
  initial,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  /** The calendar button's name: "Choose date of birth for driver 1". */
  pickerLabel: string;
  min?: string;
  max?: string;
  /** Where the calendar opens when the field is empty (default today, within the bounds). */
  initial?: string;
}) {
  return (
    <div className={`field date-field ${className ?? ""}`}>
      <label htmlFor={fieldId(field)}>{label}</label>
      <DateInput
        id={fieldId(field)}
        name={field}
        value={value}
        onChange={onChange}
        pickerLabel={pickerLabel}
        calendarLabel={label}
        invalid={!!error}
        describedBy={describedBy(field, error, hint)}
        buttonField={field}
        min={min}
        max={max}
        initial={initial}
      />
      <Message field={field} error={error} hint={hint} />
    </div>
  );
}

const STATE_ITEMS = STATE_CODES.map((id) => ({ id }));

/**
 * A US state (or DC): typed as its code, or chosen from the list by code or
 * name ("CA — California"). The form keeps the two-letter code; a name typed
 * in full becomes its code when the field is left.
 */
export function StateField({
  field,
  label,
  value,
  onChange,
  error,
  hint,
  className,
  placeholder,
}: Common & { value: string; onChange: (value: string) => void; placeholder?: string }) {
  const code = value.trim().toUpperCase();
  return (
    <ComboBox
      className={`field state-field ${className ?? ""}`}
      allowsCustomValue
      menuTrigger="input"
      inputValue={value}
      onInputChange={(typed) => {
        const next = typedState(value, typed);
        if (next !== value) onChange(next);
      }}
      selectedKey={STATE_CODES.includes(code) ? code : null}
      onSelectionChange={(key) => {
        if (key !== null && String(key) !== value) onChange(String(key));
      }}
      defaultFilter={matchesState}
      defaultItems={STATE_ITEMS}
      isInvalid={error ? true : undefined}
      aria-label={label}
    >
      {/* A plain label: React Aria's would also name the list and the button "State". */}
      <label htmlFor={fieldId(field)}>{label}</label>
      <div className="combo-input">
        <Input
          id={fieldId(field)}
          name={field}
          placeholder={placeholder}
          autoComplete="off"
          aria-describedby={describedBy(field, error, hint)}
          onBlur={(e) => {
            // The text as it stands now: keys typed just before Tab may not
            // have re-rendered yet, and the last render's value would undo them.
            const shown = e.currentTarget.value;
            const resolved = resolveState(shown);
            if (resolved !== value) onChange(resolved);
          }}
        />
        <Button className="combo-button" aria-label={`Show the states for ${label.toLowerCase()}`}>
          <svg aria-hidden="true" width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3">
            <path d="M6 9l6 6 6-6" />
          </svg>
        </Button>
      </div>
      <Popover className="popover combo-popover" placement="bottom start">
        <ListBox className="combo-list" aria-label={`${label}: the states`}>
          {(item: { id: string }) => (
            <ListBoxItem id={item.id} textValue={item.id} className="combo-option">
              {stateOption(item.id)}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
      <Message field={field} error={error} hint={hint} />
    </ComboBox>
  );
}
