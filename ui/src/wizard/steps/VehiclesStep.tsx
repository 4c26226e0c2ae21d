// Step 2 of an auto quote: the vehicles, each with its VIN decoded.
import type { VehicleUse } from "../../bindings";
import { CheckField, SelectField, TextField } from "../fields";
import { emptyVehicle } from "../form";
import { at, StepProps } from "./common";

const USES: { value: VehicleUse; label: string }[] = [
  { value: "commute", label: "Commute" },
  { value: "pleasure", label: "Pleasure" },
  { value: "business", label: "Business" },
];

export function VehiclesStep({
  form,
  update,
  problemAt,
  vinNotes,
  onDecodeVin,
}: Omit<StepProps, "set"> & {
  /** What decoding each vehicle's VIN found. */
  vinNotes: Record<number, string>;
  onDecodeVin: (i: number) => void;
}) {
  return (
    <>
      {form.vehicles.map((v, i) => {
        const setV = (change: Partial<typeof v>) => update((f) => ({ ...f, vehicles: at(f.vehicles, i, { ...f.vehicles[i], ...change }) }));
        const k = (f: string) => `vehicles.${i}.${f}`;
        return (
          <fieldset key={i} aria-label={`Vehicle ${i + 1}`} className="form-grid">
            <legend>Vehicle {i + 1}</legend>
            <TextField
              field={k("vin")}
              label="VIN"
              className="wide"
              maxLength={17}
              value={v.vin}
              onChange={(x) => setV({ vin: x.toUpperCase() })}
              onBlur={() => v.vin.trim().length === 17 && onDecodeVin(i)}
              error={problemAt(k("vin"))}
              hint={vinNotes[i] || "17 characters; fills the model year and make"}
            />
            <button
              type="button"
              className="secondary beside-input"
              onClick={() => onDecodeVin(i)}
              aria-label={`Decode VIN of vehicle ${i + 1}`}
            >
              Decode VIN
            </button>
            <TextField
              field={k("year")}
              label="Model year"
              inputMode="numeric"
              maxLength={4}
              value={v.year}
              onChange={(x) => setV({ year: x })}
              error={problemAt(k("year"))}
            />
            <TextField field={k("make")} label="Make" value={v.make} onChange={(x) => setV({ make: x })} error={problemAt(k("make"))} />
            <TextField
              field={k("model")}
              label="Model"
              value={v.model}
              onChange={(x) => setV({ model: x })}
              error={problemAt(k("model"))}
            />
            <SelectField
              field={k("use")}
              label="Use"
              value={v.use}
              onChange={(x) => setV({ use: x as VehicleUse })}
              options={USES}
              error={problemAt(k("use"))}
            />
            <TextField
              field={k("annualMiles")}
              label="Annual miles"
              inputMode="numeric"
              value={v.annualMiles}
              onChange={(x) => setV({ annualMiles: x })}
              error={problemAt(k("annualMiles"))}
            />
            <TextField
              field={k("garagingZip")}
              label="Garaging ZIP"
              inputMode="numeric"
              maxLength={5}
              placeholder={form.zip}
              value={v.garagingZip}
              onChange={(x) => setV({ garagingZip: x })}
              error={problemAt(k("garagingZip"))}
              hint="Leave empty when it is the customer's ZIP"
            />
            <TextField
              field={k("costNew")}
              label="Price when new ($)"
              inputMode="decimal"
              value={v.costNew}
              onChange={(x) => setV({ costNew: x })}
              error={problemAt(k("costNew"))}
              hint="The sticker price; leave empty when not known"
            />
            <CheckField field={k("antiTheft")} label="Anti-theft device" checked={v.antiTheft} onChange={(x) => setV({ antiTheft: x })} />
            {form.vehicles.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => update((f) => ({ ...f, vehicles: f.vehicles.filter((_, j) => j !== i) }))}
              >
                Remove vehicle {i + 1}
              </button>
            )}
          </fieldset>
        );
      })}
      <button
        type="button"
        className="secondary"
        id="add-vehicle"
        onClick={() => update((f) => ({ ...f, vehicles: [...f.vehicles, emptyVehicle()] }))}
      >
        Add a vehicle
      </button>
    </>
  );
}
