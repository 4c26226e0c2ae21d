// Step 4: an auto quote's drivers, their incidents, prior insurance and who
// drives each vehicle; for either product, the losses of the past five years.
import { CheckField, DateField, SelectField, StateField, TextField } from "../fields";
import { emptyDriver, isDate, today, vehicleLabel, VIOLATION_KINDS } from "../form";
import { at, kindLabel, StepProps, yearsFrom } from "./common";

export function DriversStep({ form, update, set, problemAt }: StepProps) {
  const auto = form.product === "personal-auto";
  const now = today();
  return (
    <>
      {auto &&
        form.drivers.map((d, i) => {
          const setD = (change: Partial<typeof d>) => update((f) => ({ ...f, drivers: at(f.drivers, i, { ...f.drivers[i], ...change }) }));
          const k = (f: string) => `drivers.${i}.${f}`;
          return (
            <fieldset key={i} aria-label={`Driver ${i + 1}`} className="form-grid">
              <legend>Driver {i + 1}</legend>
              <TextField
                field={k("name")}
                label="Driver name"
                className="wide"
                value={d.name}
                onChange={(x) => setD({ name: x })}
                error={problemAt(k("name"))}
              />
              <DateField
                field={k("dateOfBirth")}
                label="Driver date of birth"
                pickerLabel={`Choose date of birth for driver ${i + 1}`}
                max={now}
                initial={yearsFrom(now, -40)}
                value={d.dateOfBirth}
                onChange={(x) => setD({ dateOfBirth: x })}
                error={problemAt(k("dateOfBirth"))}
              />
              <DateField
                field={k("licenseDate")}
                label="First licensed"
                pickerLabel={`Choose first licensed date for driver ${i + 1}`}
                min={isDate(d.dateOfBirth) ? d.dateOfBirth.trim() : undefined}
                max={now}
                initial={isDate(d.dateOfBirth) ? yearsFrom(d.dateOfBirth.trim(), 16) : yearsFrom(now, -20)}
                value={d.licenseDate}
                onChange={(x) => setD({ licenseDate: x })}
                error={problemAt(k("licenseDate"))}
              />
              <TextField
                field={k("licenseNumber")}
                label="License number"
                value={d.licenseNumber}
                onChange={(x) => setD({ licenseNumber: x })}
                error={problemAt(k("licenseNumber"))}
              />
              <StateField
                field={k("licenseState")}
                label="License state"
                placeholder={form.state}
                value={d.licenseState}
                onChange={(x) => setD({ licenseState: x })}
                error={problemAt(k("licenseState"))}
              />
              <CheckField
                field={k("goodStudent")}
                label="Good student"
                checked={d.goodStudent}
                onChange={(x) => setD({ goodStudent: x })}
              />
              <CheckField
                field={k("defensiveDriving")}
                label="Defensive driving course"
                checked={d.defensiveDriving}
                onChange={(x) => setD({ defensiveDriving: x })}
              />
              {d.defensiveDriving && (
                <DateField
                  field={k("courseDate")}
                  label="Course completed on (YYYY-MM-DD)"
                  pickerLabel={`Choose course completion date for driver ${i + 1}`}
                  max={now}
                  value={d.courseDate}
                  onChange={(x) => setD({ courseDate: x })}
                  error={problemAt(k("courseDate"))}
                />
              )}
              <CheckField
                field={k("excluded")}
                label="Excluded from cover (signed named-driver exclusion)"
                checked={d.excluded}
                onChange={(x) => setD({ excluded: x })}
              />
              <div className="incidents">
                {d.violations.map((v, j) => (
                  <div className="row" key={`v${j}`}>
                    <DateField
                      field={k(`violations.${j}.date`)}
                      label={`Violation ${j + 1} date`}
                      pickerLabel={`Choose violation ${j + 1} date for driver ${i + 1}`}
                      max={now}
                      value={v.date}
                      onChange={(x) => setD({ violations: at(d.violations, j, { ...v, date: x }) })}
                      error={problemAt(k(`violations.${j}.date`))}
                    />
                    <SelectField
                      field={k(`violations.${j}.kind`)}
                      label={`Violation ${j + 1} kind`}
                      value={v.kind}
                      onChange={(x) => setD({ violations: at(d.violations, j, { ...v, kind: x as typeof v.kind }) })}
                      options={VIOLATION_KINDS.map((x) => ({ value: x, label: kindLabel(x) }))}
                    />
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => setD({ violations: d.violations.filter((_, n) => n !== j) })}
                    >
                      Remove violation {j + 1}
                    </button>
                  </div>
                ))}
                {d.accidents.map((a, j) => (
                  <div className="row" key={`a${j}`}>
                    <DateField
                      field={k(`accidents.${j}.date`)}
                      label={`Accident ${j + 1} date`}
                      pickerLabel={`Choose accident ${j + 1} date for driver ${i + 1}`}
                      max={now}
                      value={a.date}
                      onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, date: x }) })}
                      error={problemAt(k(`accidents.${j}.date`))}
                    />
                    <CheckField
                      field={k(`accidents.${j}.atFault`)}
                      label={`Accident ${j + 1} at fault`}
                      checked={a.atFault}
                      onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, atFault: x }) })}
                    />
                    <CheckField
                      field={k(`accidents.${j}.bodilyInjury`)}
                      label={`Accident ${j + 1} with bodily injury`}
                      checked={a.bodilyInjury}
                      onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, bodilyInjury: x }) })}
                    />
                    <button type="button" className="secondary" onClick={() => setD({ accidents: d.accidents.filter((_, n) => n !== j) })}>
                      Remove accident {j + 1}
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setD({ violations: [...d.violations, { date: "", kind: "speeding" }] })}
                >
                  Add a violation for driver {i + 1}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setD({ accidents: [...d.accidents, { date: "", atFault: true, bodilyInjury: false }] })}
                >
                  Add an accident for driver {i + 1}
                </button>
              </div>
              {form.drivers.length > 1 && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    update((f) => ({
                      ...f,
                      drivers: f.drivers.filter((_, j) => j !== i),
                      vehicles: f.vehicles.map((v) => ({ ...v, principalDriver: "0" })),
                    }))
                  }
                >
                  Remove driver {i + 1}
                </button>
              )}
            </fieldset>
          );
        })}
      {auto && (
        <>
          <button
            type="button"
            className="secondary"
            id="add-driver"
            onClick={() => update((f) => ({ ...f, drivers: [...f.drivers, emptyDriver()] }))}
          >
            Add a driver
          </button>
          <fieldset id="prior-insurance" className="form-grid">
            <legend>Insurance before this policy</legend>
            <CheckField
              field="priorInsured"
              label="The customer had auto insurance before"
              checked={form.priorInsured}
              onChange={(x) => update((f) => ({ ...f, priorInsured: x }))}
            />
            {form.priorInsured && (
              <>
                <TextField
                  field="priorCarrier"
                  label="Prior insurer"
                  value={form.priorCarrier}
                  onChange={(x) => update((f) => ({ ...f, priorCarrier: x }))}
                  error={problemAt("priorCarrier")}
                />
                <TextField
                  field="priorMonths"
                  label="Months of continuous cover"
                  inputMode="numeric"
                  value={form.priorMonths}
                  onChange={(x) => update((f) => ({ ...f, priorMonths: x }))}
                  error={problemAt("priorMonths")}
                />
                <TextField
                  field="priorLapseDays"
                  label="Days without cover before this policy"
                  inputMode="numeric"
                  value={form.priorLapseDays}
                  onChange={(x) => update((f) => ({ ...f, priorLapseDays: x }))}
                  error={problemAt("priorLapseDays")}
                />
              </>
            )}
          </fieldset>
          <fieldset>
            <legend>Who drives each vehicle most</legend>
            {form.vehicles.map((v, i) => (
              <SelectField
                key={i}
                field={`vehicles.${i}.principalDriver`}
                label={`Principal driver of ${vehicleLabel(v, i)}`}
                value={v.principalDriver}
                onChange={(x) => update((f) => ({ ...f, vehicles: at(f.vehicles, i, { ...f.vehicles[i], principalDriver: x }) }))}
                options={form.drivers.map((d, j) => ({ value: String(j), label: d.name.trim() || `Driver ${j + 1}` }))}
                error={problemAt(`vehicles.${i}.principalDriver`)}
              />
            ))}
          </fieldset>
        </>
      )}
      <fieldset>
        <legend>Losses in the past five years</legend>
        {form.claims.length === 0 && <p className="meta">None entered.</p>}
        {form.claims.map((c, j) => (
          <div className="row" key={j}>
            <DateField
              field={`claims.${j}.date`}
              label={`Loss ${j + 1} date`}
              pickerLabel={`Choose loss ${j + 1} date`}
              max={now}
              value={c.date}
              onChange={(x) => set("claims", at(form.claims, j, { ...c, date: x }))}
              error={problemAt(`claims.${j}.date`)}
            />
            <TextField
              field={`claims.${j}.cause`}
              label={`Loss ${j + 1} cause`}
              placeholder="water, wind, theft..."
              value={c.cause}
              onChange={(x) => set("claims", at(form.claims, j, { ...c, cause: x }))}
              error={problemAt(`claims.${j}.cause`)}
            />
            <button
              type="button"
              className="secondary"
              onClick={() =>
                set(
                  "claims",
                  form.claims.filter((_, n) => n !== j),
                )
              }
            >
              Remove loss {j + 1}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => set("claims", [...form.claims, { date: "", cause: "" }])}>
          Add a loss
        </button>
      </fieldset>
    </>
  );
}
