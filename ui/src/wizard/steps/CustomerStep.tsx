// Step 1: the customer and their address (and, for a new quote, the product).
import type { Product } from "../../bindings";
import { DateField, PhoneField, SelectField, StateField, TextField } from "../fields";
import { emptyForm, today, WizardForm } from "../form";
import { yearsFrom } from "./common";
import type { StepProps } from "./common";

/** What carries over when the product changes: the customer. */
function pick(f: WizardForm): Partial<WizardForm> {
  const { name, street, city, state, zip, dateOfBirth, email, phone, effectiveDate } = f;
  return { name, street, city, state, zip, dateOfBirth, email, phone, effectiveDate };
}

export function CustomerStep({
  form,
  update,
  set,
  problemAt,
  canChangeProduct,
  zipInfo,
  onZipChange,
  onZipBlur,
}: StepProps & {
  /** A saved quote keeps its product. */
  canChangeProduct: boolean;
  /** What the ZIP lookup said about the customer's ZIP. */
  zipInfo: { state: string; county?: string | null } | null;
  onZipChange: (zip: string) => void;
  onZipBlur: () => void;
}) {
  return (
    <fieldset className="form-grid">
      <legend>Customer and address</legend>
      {canChangeProduct && (
        <SelectField
          field="product"
          label="Product"
          value={form.product}
          onChange={(v) => update((f) => ({ ...emptyForm(v as Product), ...pick(f) }))}
          options={[
            { value: "personal-auto", label: "Personal auto" },
            { value: "homeowners-ho3", label: "Homeowners (HO-3)" },
          ]}
        />
      )}
      <TextField
        field="name"
        label="Customer name"
        className="wide"
        value={form.name}
        onChange={(v) => set("name", v)}
        error={problemAt("name")}
        autoComplete="name"
      />
      <TextField
        field="street"
        label="Street"
        className="wide"
        value={form.street}
        onChange={(v) => set("street", v)}
        error={problemAt("street")}
      />
      <TextField field="city" label="City" value={form.city} onChange={(v) => set("city", v)} error={problemAt("city")} />
      <TextField
        field="zip"
        label="ZIP"
        value={form.zip}
        onChange={onZipChange}
        onBlur={onZipBlur}
        inputMode="numeric"
        maxLength={5}
        error={problemAt("zip")}
        hint={zipInfo ? `${zipInfo.county ? `${zipInfo.county.replace(/ County$/, "")} County, ` : ""}${zipInfo.state}` : undefined}
      />
      <StateField field="state" label="State" value={form.state} onChange={(v) => set("state", v)} error={problemAt("state")} />
      <DateField
        field="dateOfBirth"
        label="Date of birth"
        pickerLabel="Choose date of birth"
        max={today()}
        initial={yearsFrom(today(), -40)}
        value={form.dateOfBirth}
        onChange={(v) => set("dateOfBirth", v)}
        error={problemAt("dateOfBirth")}
      />
      <TextField
        field="email"
        label="Email"
        inputMode="email"
        className="wide"
        value={form.email}
        onChange={(v) => set("email", v)}
        error={problemAt("email")}
      />
      <PhoneField field="phone" label="Phone" value={form.phone} onChange={(v) => set("phone", v)} error={problemAt("phone")} />
      <DateField
        field="effectiveDate"
        label="Effective date"
        pickerLabel="Choose effective date"
        max={yearsFrom(today(), 1)}
        value={form.effectiveDate}
        onChange={(v) => set("effectiveDate", v)}
        error={problemAt("effectiveDate")}
      />
    </fieldset>
  );
}
