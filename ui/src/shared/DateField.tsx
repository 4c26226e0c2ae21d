// A date typed on the keyboard or picked from a calendar: a text input (no
// `type="date"`, which WebKitGTK will not let anyone type into) with a
// calendar button beside it. The wizard's date fields and the screens that
// ask for an effective date all use it.
import { CalendarDate, parseDate } from "@internationalized/date";
import { KeyboardEvent, useState } from "react";
import { Button, Calendar, CalendarCell, CalendarGrid, Dialog, DialogTrigger, Popover } from "react-aria-components";
import { isDate, isoDate, today } from "./dates";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A YYYY-MM-DD date the calendar can show, or null. */
function calendarDate(value: string | undefined): CalendarDate | null {
  return value && isDate(value) ? parseDate(value.trim()) : null;
}

/**
 * The input and its calendar button, without a label (the caller's
 * `<label htmlFor={id}>` names it). Typed as YYYY-MM-DD, or MM/DD/YYYY,
 * written as YYYY-MM-DD when the field is left or Enter is pressed; a day
 * picked from the calendar goes through `onChange` as typing does (the
 * calendar opens with the focus on the field's day, or today), the
 * calendar closes and the focus goes back to its button. `min` and `max`
 * (YYYY-MM-DD) bound what the calendar offers; the caller's checks still
 * judge what is typed.
 */
export function DateInput({
  id,
  value,
  onChange,
  pickerLabel,
  calendarLabel,
  name,
  className,
  inputMode,
  required,
  invalid,
  describedBy,
  fieldKey,
  buttonField,
  min,
  max,
  initial,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** The calendar button's name: "Choose date of birth for driver 1". */
  pickerLabel: string;
  /** The calendar's own name (the field's label). */
  calendarLabel: string;
  name?: string;
  /** The input's classes. */
  className?: string;
  inputMode?: "numeric" | "text";
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  /** The input's `data-field-key`. */
  fieldKey?: string;
  /** The calendar button's `data-field`. */
  buttonField?: string;
  min?: string;
  max?: string;
  /** Where the calendar opens when the field is empty (default today, within the bounds). */
  initial?: string;
}) {
  const [open, setOpen] = useState(false);
  const minValue = calendarDate(min);
  const maxValue = calendarDate(max);
  const [focused, setFocused] = useState<CalendarDate>(() => parseDate(today()));
  const selected = calendarDate(value);

  function openChange(next: boolean) {
    if (next) {
      let start = selected ?? calendarDate(initial) ?? parseDate(today());
      if (maxValue && start.compare(maxValue) > 0) start = maxValue;
      if (minValue && start.compare(minValue) < 0) start = minValue;
      setFocused(start);
    }
    setOpen(next);
  }

  // From the text as it stands: keys typed just before Tab or Enter may not
  // have re-rendered yet, and the last render's value would undo them.
  function tidy(shown: string) {
    const iso = isoDate(shown);
    if (iso !== value) onChange(iso);
  }

  const firstYear = minValue?.year ?? focused.year - 100;
  const lastYear = maxValue?.year ?? focused.year + 10;
  const years: number[] = [];
  for (let y = lastYear; y >= firstYear; y--) years.push(y);

  return (
    <div className="date-input">
      <input
        id={id}
        name={name}
        type="text"
        className={className}
        value={value}
        placeholder="YYYY-MM-DD"
        inputMode={inputMode}
        autoComplete="off"
        required={required}
        data-field-key={fieldKey}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => tidy(e.currentTarget.value)}
        onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
          if (e.key === "Enter") tidy(e.currentTarget.value);
        }}
      />
      <DialogTrigger isOpen={open} onOpenChange={openChange}>
        <Button className="calendar-button" aria-label={pickerLabel} data-field={buttonField}>
          <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
            <rect x="3" y="5" width="18" height="16" rx="2" />
            <path d="M3 10h18M8 3v4M16 3v4" />
          </svg>
        </Button>
        <Popover className="popover date-popover" placement="bottom start">
          <Dialog className="dialog" aria-label={pickerLabel}>
            {/* Opened from the keyboard, the arrows move through the days straight away and Enter picks one. */}
            <Calendar
              autoFocus
              aria-label={calendarLabel}
              value={selected}
              minValue={minValue}
              maxValue={maxValue}
              focusedValue={focused}
              onFocusChange={setFocused}
              onChange={(d) => {
                onChange(d.toString());
                setOpen(false);
              }}
            >
              <div className="calendar-head">
                <Button slot="previous" aria-label="Previous month" className="calendar-nav">
                  ‹
                </Button>
                <select
                  aria-label="Month"
                  value={focused.month}
                  onChange={(e) => setFocused(focused.set({ month: Number(e.target.value) }))}
                >
                  {MONTHS.map((m, i) => (
                    <option key={m} value={i + 1}>
                      {m}
                    </option>
                  ))}
                </select>
                <select aria-label="Year" value={focused.year} onChange={(e) => setFocused(focused.set({ year: Number(e.target.value) }))}>
                  {years.map((y) => (
                    <option key={y} value={y}>
                      {y}
                    </option>
                  ))}
                </select>
                <Button slot="next" aria-label="Next month" className="calendar-nav">
                  ›
                </Button>
              </div>
              <CalendarGrid className="calendar-grid">{(date) => <CalendarCell date={date} className="calendar-cell" />}</CalendarGrid>
            </Calendar>
          </Dialog>
        </Popover>
      </DialogTrigger>
    </div>
  );
}
