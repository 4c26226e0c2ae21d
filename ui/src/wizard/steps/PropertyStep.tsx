// Step 2 of a homeowners quote: the dwelling, with Florida's wind
// mitigation and California's wildfire questions.
import { CheckField, SelectField, TextField } from "../fields";
import { WILDFIRE_MEASURES, WizardForm } from "../form";
import { kindLabel, StepProps } from "./common";

/** The wind mitigation inspection's questions (form OIR-B1-1802), each a dwelling field. */
const WIND_QUESTIONS: {
  key: "roofShape" | "roofDeck" | "roofToWall" | "openingProtection";
  label: string;
  options: { value: string; label: string }[];
}[] = [
  {
    key: "roofShape",
    label: "Roof shape",
    options: [
      { value: "hip", label: "Hip" },
      { value: "flat", label: "Flat" },
      { value: "other", label: "Gable or other" },
    ],
  },
  {
    key: "roofDeck",
    label: "Roof-deck attachment",
    options: [
      { value: "a", label: "A: 6d nails" },
      { value: "b", label: "B: 8d nails, 6 in. edge, 12 in. field" },
      { value: "c", label: "C: 8d nails, 6 in. edge and field" },
      { value: "d", label: "D: reinforced concrete deck" },
    ],
  },
  {
    key: "roofToWall",
    label: "Roof-to-wall attachment",
    options: [
      { value: "toe-nails", label: "Toe nails" },
      { value: "clips", label: "Clips" },
      { value: "single-wraps", label: "Single wraps" },
      { value: "double-wraps", label: "Double wraps" },
    ],
  },
  {
    key: "openingProtection",
    label: "Opening protection",
    options: [
      { value: "none", label: "None, or not every opening" },
      { value: "basic", label: "Basic impact protection on every opening" },
      { value: "hurricane", label: "Hurricane impact-rated on every opening" },
    ],
  },
];

export function PropertyStep({ form, set, problemAt }: Omit<StepProps, "update">) {
  return (
    <fieldset className="form-grid">
      <legend>The dwelling</legend>
      <TextField
        field="dwelling.yearBuilt"
        label="Year built"
        inputMode="numeric"
        maxLength={4}
        value={form.dwelling.yearBuilt}
        onChange={(x) => set("dwelling", { ...form.dwelling, yearBuilt: x })}
        error={problemAt("dwelling.yearBuilt")}
      />
      <SelectField
        field="dwelling.construction"
        label="Construction"
        value={form.dwelling.construction}
        onChange={(x) => set("dwelling", { ...form.dwelling, construction: x as WizardForm["dwelling"]["construction"] })}
        options={["frame", "masonry", "masonry-veneer", "fire-resistive"].map((c) => ({ value: c, label: kindLabel(c) }))}
      />
      <TextField
        field="dwelling.protectionClass"
        label="Protection class (1-10)"
        inputMode="numeric"
        maxLength={2}
        value={form.dwelling.protectionClass}
        onChange={(x) => set("dwelling", { ...form.dwelling, protectionClass: x })}
        error={problemAt("dwelling.protectionClass")}
      />
      <TextField
        field="dwelling.roofAge"
        label="Roof age (years)"
        inputMode="numeric"
        value={form.dwelling.roofAge}
        onChange={(x) => set("dwelling", { ...form.dwelling, roofAge: x })}
        error={problemAt("dwelling.roofAge")}
      />
      <SelectField
        field="dwelling.roofType"
        label="Roof type"
        value={form.dwelling.roofType}
        onChange={(x) => set("dwelling", { ...form.dwelling, roofType: x as WizardForm["dwelling"]["roofType"] })}
        options={["asphalt-shingle", "metal", "tile", "slate", "wood-shake", "flat"].map((c) => ({ value: c, label: kindLabel(c) }))}
      />
      <TextField
        field="dwelling.squareFeet"
        label="Living area (sq ft)"
        inputMode="numeric"
        value={form.dwelling.squareFeet}
        onChange={(x) => set("dwelling", { ...form.dwelling, squareFeet: x })}
        error={problemAt("dwelling.squareFeet")}
      />
      <TextField
        field="dwelling.coverageA"
        label="Dwelling limit (Coverage A, $)"
        inputMode="decimal"
        value={form.dwelling.coverageA}
        onChange={(x) => set("dwelling", { ...form.dwelling, coverageA: x })}
        error={problemAt("dwelling.coverageA")}
      />
      {form.state.trim().toUpperCase() === "FL" && (
        <>
          <CheckField
            field="dwelling.windInspected"
            label="A wind mitigation inspection was done (form OIR-B1-1802)"
            checked={form.dwelling.windInspected}
            onChange={(x) => set("dwelling", { ...form.dwelling, windInspected: x })}
          />
          {form.dwelling.windInspected && (
            <>
              {WIND_QUESTIONS.map((q) => (
                <SelectField
                  key={q.key}
                  field={`dwelling.${q.key}`}
                  label={q.label}
                  value={form.dwelling[q.key]}
                  onChange={(x) => set("dwelling", { ...form.dwelling, [q.key]: x })}
                  options={q.options}
                />
              ))}
              <CheckField
                field="dwelling.secondaryWaterResistance"
                label="Secondary water barrier under the roof covering"
                checked={form.dwelling.secondaryWaterResistance}
                onChange={(x) => set("dwelling", { ...form.dwelling, secondaryWaterResistance: x })}
              />
            </>
          )}
        </>
      )}
      {form.state.trim().toUpperCase() === "CA" && (
        <>
          <SelectField
            field="dwelling.wildfireCommunity"
            label="Wildfire community designation"
            value={form.dwelling.wildfireCommunity}
            onChange={(x) => set("dwelling", { ...form.dwelling, wildfireCommunity: x as WizardForm["dwelling"]["wildfireCommunity"] })}
            options={[
              { value: "", label: "None" },
              { value: "firewise-usa", label: "Firewise USA site" },
              { value: "fire-risk-reduction-community", label: "Fire Risk Reduction Community" },
            ]}
          />
          {WILDFIRE_MEASURES.map((m) => (
            <CheckField
              key={m.value}
              field={`dwelling.wildfire.${m.value}`}
              label={m.label}
              checked={form.dwelling.wildfireMeasures.includes(m.value)}
              onChange={(x) =>
                set("dwelling", {
                  ...form.dwelling,
                  wildfireMeasures: x
                    ? [...form.dwelling.wildfireMeasures, m.value]
                    : form.dwelling.wildfireMeasures.filter((v) => v !== m.value),
                })
              }
            />
          ))}
        </>
      )}
      <CheckField
        field="dwelling.elsewhere"
        label="The home is not at the mailing address"
        checked={form.dwelling.elsewhere}
        onChange={(x) => set("dwelling", { ...form.dwelling, elsewhere: x })}
      />
      {form.dwelling.elsewhere && (
        <>
          <TextField
            field="dwelling.street"
            label="Home's street"
            className="wide"
            value={form.dwelling.street}
            onChange={(x) => set("dwelling", { ...form.dwelling, street: x })}
            error={problemAt("dwelling.street")}
          />
          <TextField
            field="dwelling.city"
            label="Home's city"
            value={form.dwelling.city}
            onChange={(x) => set("dwelling", { ...form.dwelling, city: x })}
            error={problemAt("dwelling.city")}
          />
          <TextField
            field="dwelling.zip"
            label="Home's ZIP"
            inputMode="numeric"
            maxLength={5}
            value={form.dwelling.zip}
            onChange={(x) => set("dwelling", { ...form.dwelling, zip: x })}
            error={problemAt("dwelling.zip")}
          />
        </>
      )}
    </fieldset>
  );
}
