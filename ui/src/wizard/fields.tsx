// Labelled inputs whose validation message stands next to them. Every input
// has a visible label tied to it by `for` (the message is not part of the
// label, so the field's name stays its label), and an invalid one points at its message
// (aria-describedby), so a screen reader and the tests find both by label.
import { ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";
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
 *
 * An editable combobox with a list (WAI-ARIA's "list autocomplete" pattern),
 * written here on a plain input: what is typed goes to the form on each key,
 * as in any text field, and nothing but the resolve on blur changes it when
 * the field is left (a library's combobox committed or reset the text on Tab
 * when its list opened late under load, and typed states were lost). The
 * list takes no focus: the input keeps it and points at the highlighted
 * option (aria-activedescendant).
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
  const id = fieldId(field);
  const listId = `${id}-list`;
  const optionId = (code: string) => `${id}-option-${code}`;
  const [open, setOpen] = useState(false);
  // What the list is filtered by: the text as typed, or null for every state (opened by key or button).
  const [filter, setFilter] = useState<string | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const options = STATE_ITEMS.filter((item) => filter === null || matchesState(item.id, filter)).map((item) => item.id);
  const shown = open && options.length > 0;
  const highlighted = shown && active !== null && options.includes(active) ? active : null;
  const code = value.trim().toUpperCase();

  // Under the field, or above it when there is no room below and more above.
  useLayoutEffect(() => {
    const pop = popup.current;
    if (!shown || !pop || !box.current) return;
    const r = box.current.getBoundingClientRect();
    const below = window.innerHeight - r.bottom;
    pop.dataset.placement = below < pop.offsetHeight + 8 && r.top > below ? "top" : "bottom";
  }, [shown]);

  // Keeps the highlighted option in view inside the list (never scrolls the page).
  useEffect(() => {
    const pop = popup.current;
    const option = highlighted ? document.getElementById(`${id}-option-${highlighted}`) : null;
    if (!pop || !option) return;
    if (option.offsetTop < pop.scrollTop) pop.scrollTop = option.offsetTop;
    else if (option.offsetTop + option.offsetHeight > pop.scrollTop + pop.clientHeight) {
      pop.scrollTop = option.offsetTop + option.offsetHeight - pop.clientHeight;
    }
  }, [highlighted, id]);

  /** Opens the list on every state, the field's own highlighted (or the first, or none). */
  const openAll = (highlight: "current" | "none") => {
    setFilter(null);
    setOpen(true);
    setActive(highlight === "current" ? (STATE_CODES.includes(code) ? code : STATE_CODES[0]) : null);
  };
  const close = () => {
    setOpen(false);
    setActive(null);
  };
  const choose = (chosen: string) => {
    close();
    if (chosen !== value) onChange(chosen);
  };
  /** The option `step` away from the highlighted one, round the list. */
  const move = (step: 1 | -1) => {
    const at = highlighted === null ? (step === 1 ? -1 : options.length) : options.indexOf(highlighted);
    setActive(options[(at + step + options.length) % options.length]);
  };

  return (
    <div className={`field state-field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <div className="combo-input" ref={box}>
        <input
          id={id}
          name={field}
          value={value}
          placeholder={placeholder}
          autoComplete="off"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={highlighted ? optionId(highlighted) : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(field, error, hint)}
          onChange={(e) => {
            const next = typedState(value, e.target.value);
            setFilter(next);
            setActive(null);
            setOpen(next.trim() !== "");
            if (next !== value) onChange(next);
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return;
            // Tab, and every key not named here, does what it does in any input.
            if (e.key === "ArrowDown") {
              e.preventDefault();
              if (!shown) openAll(e.altKey ? "none" : "current");
              else if (!e.altKey) move(1);
            } else if (e.key === "ArrowUp") {
              if (!shown) return;
              e.preventDefault();
              if (e.altKey) close();
              else move(-1);
            } else if (e.key === "Enter") {
              if (!highlighted) return;
              e.preventDefault();
              choose(highlighted);
            } else if (e.key === "Escape") {
              // Closed, Escape is left to whatever holds the field; the text stays.
              if (!shown) return;
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
          onBlur={(e) => {
            close();
            // The text as it stands now: keys typed just before Tab may not
            // have re-rendered yet, and the last render's value would undo them.
            const text = e.currentTarget.value;
            const resolved = resolveState(text);
            if (resolved !== value) onChange(resolved);
          }}
        />
        <button
          type="button"
          className="combo-button"
          tabIndex={-1}
          aria-label={`Show the states for ${label.toLowerCase()}`}
          aria-controls={listId}
          aria-expanded={shown}
          // The input keeps the focus (a click here would otherwise leave it and close the list).
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            document.getElementById(id)?.focus();
            if (shown) close();
            else openAll("current");
          }}
        >
          <svg aria-hidden="true" width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3">
            <path d="M6 9l6 6 6-6" />
          </svg>
        </button>
        <div
          className="popover combo-popover"
          ref={popup}
          hidden={!shown}
          // A click on an option or the list's scroll bar leaves the focus in the input.
          onMouseDown={(e) => e.preventDefault()}
        >
          <ul className="combo-list" id={listId} role="listbox" aria-label={`${label}: the states`}>
            {shown &&
              options.map((option) => (
                <li
                  key={option}
                  id={optionId(option)}
                  role="option"
                  className="combo-option"
                  aria-selected={option === highlighted}
                  data-focused={option === highlighted || undefined}
                  data-selected={option === code || undefined}
                  onMouseMove={() => {
                    if (option !== highlighted) setActive(option);
                  }}
                  onClick={() => choose(option)}
                >
                  {stateOption(option)}
                </li>
              ))}
          </ul>
        </div>
      </div>
      <Message field={field} error={error} hint={hint} />
    </div>
  );
}
