// The five-step quote wizard. The form is saved as a draft (debounced) after
// every change, so a half-finished quote survives closing the app; the
// premium is re-priced (debounced) whenever the form makes a complete quote;
// the engine's messages stand next to the fields they name.
import { FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, CommandError } from "../api";
import { formatUsd } from "../shared/format";
import type { CoverageOption, ElectionOption, Product, QuoteInput, QuoteOptions, QuoteSummary, RatingView, VehicleUse, ZipInfo } from "../bindings";
import { RatingReview } from "../shared/RatingReview";
import { CheckField, fieldId, SelectField, TextField } from "./fields";
import {
  ElectionForm,
  electionKey,
  electionNeeded,
  emptyDriver,
  emptyForm,
  emptyVehicle,
  fieldKey,
  HOME_STEPS,
  initialCoverages,
  Problems,
  recommendedLimit,
  STEPS,
  stepOf,
  toQuoteInput,
  vehicleLabel,
  VIOLATION_KINDS,
  WILDFIRE_MEASURES,
  WizardForm,
} from "./form";

/** How long typing must pause before the premium is re-priced. */
export const PRICE_DEBOUNCE_MS = 250;
/** How long typing must pause before the draft is saved. */
export const DRAFT_DEBOUNCE_MS = 400;

export type WizardStart =
  | { kind: "new"; product: Product }
  | { kind: "draft"; draftId: number }
  | { kind: "edit"; quoteId: number; form: WizardForm }
  // An endorsement: the policy's input in force, changed here and handed
  // back for review; no draft is kept and no quote is saved.
  | { kind: "endorse"; policyNumber: string; form: WizardForm };

type Price =
  | { kind: "incomplete"; seq: number }
  | { kind: "pricing"; seq: number; previous: RatingView | null }
  | { kind: "priced"; seq: number; rating: RatingView }
  | { kind: "failed"; seq: number; error: CommandError };

type Options = { kind: "none" } | { kind: "loaded"; key: string; value: QuoteOptions } | { kind: "failed"; key: string; error: CommandError };

const USES: { value: VehicleUse; label: string }[] = [
  { value: "commute", label: "Commute" },
  { value: "pleasure", label: "Pleasure" },
  { value: "business", label: "Business" },
];

function kindLabel(kind: string): string {
  return kind.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Replaces the item at `i` of `list`. */
function at<T>(list: T[], i: number, value: T): T[] {
  return list.map((x, j) => (j === i ? value : x));
}

export function Wizard({
  start,
  onSaved,
  onEndorse,
  onClose,
}: {
  start: WizardStart;
  onSaved: (summary: QuoteSummary) => void;
  onEndorse?: (policyNumber: string, input: QuoteInput) => void;
  onClose: () => void;
}) {
  const endorsing = start.kind === "endorse" ? start.policyNumber : null;
  const [form, setForm] = useState<WizardForm | null>(
    start.kind === "new" ? emptyForm(start.product) : start.kind === "edit" || start.kind === "endorse" ? start.form : null,
  );
  const [step, setStep] = useState(0);
  const [draftId, setDraftId] = useState<number | null>(null);
  const [quoteId, setQuoteId] = useState<number | null>(start.kind === "edit" ? start.quoteId : null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [options, setOptions] = useState<Options>({ kind: "none" });
  const [price, setPrice] = useState<Price>({ kind: "incomplete", seq: 0 });
  const [engineProblems, setEngineProblems] = useState<Problems>({});
  const [shown, setShown] = useState<Set<number>>(new Set());
  const [zipInfo, setZipInfo] = useState<ZipInfo | null>(null);
  const [vinNotes, setVinNotes] = useState<Record<number, string>>({});
  const [draftState, setDraftState] = useState<"unsaved" | "saving" | "saved" | CommandError>("unsaved");
  const [saving, setSaving] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  const priceSeq = useRef(0);
  const draftChain = useRef<Promise<unknown>>(Promise.resolve());
  const draftIdRef = useRef<number | null>(null);
  const touched = useRef(false);
  const finished = useRef(false);

  // Resume a draft.
  useEffect(() => {
    if (start.kind !== "draft") return;
    api.loadDraft(start.draftId).then(
      (view) => {
        // A draft saved by an older version of the app may lack newer fields.
        const empty = emptyForm(view.draft.product);
        const saved = view.draft.form as Partial<WizardForm>;
        setForm({ ...empty, ...saved, dwelling: { ...empty.dwelling, ...saved.dwelling } });
        setStep(Math.min(Math.max(view.draft.step - 1, 0), 4));
        setDraftId(view.summary.id);
        draftIdRef.current = view.summary.id;
        setQuoteId(view.draft.quote_id);
        setDraftState("saved");
      },
      (e: CommandError) => setLoadError(e),
    );
  }, [start]);

  const update = useCallback((change: (f: WizardForm) => WizardForm) => {
    touched.current = true;
    setForm((f) => (f ? change(f) : f));
  }, []);
  const set = useCallback(<K extends keyof WizardForm>(key: K, value: WizardForm[K]) => update((f) => ({ ...f, [key]: value })), [update]);

  // The pack's options for the state, product and date.
  const optionsKey = form && /^[A-Z]{2}$/.test(form.state.trim().toUpperCase()) && /^\d{4}-\d{2}-\d{2}$/.test(form.effectiveDate.trim())
    ? `${form.state.trim().toUpperCase()}|${form.product}|${form.effectiveDate.trim()}`
    : null;
  useEffect(() => {
    if (!optionsKey) return;
    const [state, product, date] = optionsKey.split("|");
    let live = true;
    api.quoteOptions(state, product as Product, date).then(
      (value) => {
        if (!live) return;
        setOptions({ kind: "loaded", key: optionsKey, value });
        setForm((f) => {
          if (!f) return f;
          // Another state's pack has other coverages: start again from its own.
          const codes = new Set(value.coverages.map((c) => c.code));
          const stale = Object.keys(f.coverages).some((code) => !codes.has(code));
          const coverages = Object.keys(f.coverages).length === 0 || stale ? initialCoverages(value) : f.coverages;
          const termMonths = value.terms.map(String).includes(f.termMonths) ? f.termMonths : String(value.terms[value.terms.length - 1] ?? 12);
          const plan = value.installment_plans.some((p) => p.code === f.installmentPlan) ? f.installmentPlan : value.installment_plans[0]?.code ?? "";
          return { ...f, coverages, termMonths, installmentPlan: plan };
        });
      },
      (error: CommandError) => live && setOptions({ kind: "failed", key: optionsKey, error }),
    );
    return () => {
      live = false;
    };
  }, [optionsKey]);
  const packOptions = options.kind === "loaded" && options.key === optionsKey ? options.value : null;

  const converted = useMemo(() => (form ? toQuoteInput(form, packOptions) : { input: null, problems: {} as Problems }), [form, packOptions]);

  // Live premium, debounced; an older answer never replaces a newer one.
  const inputJson = converted.input ? JSON.stringify(converted.input) : null;
  useEffect(() => {
    const seq = ++priceSeq.current;
    if (!inputJson) {
      setPrice({ kind: "incomplete", seq });
      setEngineProblems({});
      return;
    }
    // The last premium stays on screen, marked as updating, until the new one arrives.
    setPrice((p) => ({ kind: "pricing", seq, previous: p.kind === "priced" ? p.rating : p.kind === "pricing" ? p.previous : null }));
    const timer = setTimeout(() => {
      const input = JSON.parse(inputJson) as QuoteInput;
      api.priceQuote(input).then(
        (rating) => {
          if (seq !== priceSeq.current) return;
          setPrice({ kind: "priced", seq, rating });
          setEngineProblems({});
        },
        (error: CommandError) => {
          if (seq !== priceSeq.current) return;
          setPrice({ kind: "failed", seq, error });
          const problems: Problems = {};
          for (const f of error.fields ?? []) problems[fieldKey(f.path, input)] ??= f.message;
          setEngineProblems(problems);
        },
      );
    }, PRICE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [inputJson]);

  // Autosave the draft, debounced, one save at a time.
  const saveDraft = useCallback(
    (f: WizardForm, s: number) => {
      // Once the quote is being saved, its draft is the server's to delete.
      // An endorsement keeps no draft: the policy is its record.
      if (finished.current || endorsing) return draftChain.current;
      setDraftState("saving");
      draftChain.current = draftChain.current.then(() =>
        api
          .saveDraft(draftIdRef.current, {
            quote_id: quoteId,
            product: f.product,
            step: s + 1,
            label: f.name.trim(),
            form: f as unknown as Record<string, unknown>,
          })
          .then(
            (summary) => {
              draftIdRef.current = summary.id;
              setDraftId(summary.id);
              setDraftState("saved");
            },
            (e: CommandError) => setDraftState(e),
          ),
      );
      return draftChain.current;
    },
    [quoteId, endorsing],
  );
  useEffect(() => {
    if (!form || !touched.current) return;
    const timer = setTimeout(() => void saveDraft(form, step), DRAFT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [form, step, saveDraft]);

  if (loadError) {
    return (
      <div role="alert" className="error" id="wizard-error" data-code={loadError.code}>
        This draft could not be opened. {loadError.message}
      </div>
    );
  }
  if (!form) return <p aria-busy="true">Opening the draft...</p>;

  const auto = form.product === "personal-auto";
  const steps = auto ? STEPS : HOME_STEPS;
  const problemAt = (key: string): string | undefined => {
    const local = converted.problems[key];
    if (local && shown.has(stepOf(key))) return local;
    return engineProblems[key];
  };
  const stepProblems = (s: number) => Object.keys(converted.problems).filter((k) => stepOf(k) === s && k !== "coverages");

  function go(target: number) {
    touched.current = true;
    setStep(target);
    const main = document.getElementById("wizard-step");
    main?.focus();
  }

  function next(event: FormEvent) {
    event.preventDefault();
    if (stepProblems(step).length > 0) {
      setShown((s) => new Set(s).add(step));
      const first = stepProblems(step)[0];
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    go(Math.min(step + 1, 4));
  }

  async function checkZip() {
    const zip = form!.zip.trim();
    if (!/^\d{5}$/.test(zip)) return;
    try {
      const info = await api.lookupZip(zip);
      setZipInfo(info);
      if (!form!.state.trim()) set("state", info.state);
    } catch (e) {
      setZipInfo(null);
      setEngineProblems((p) => ({ ...p, zip: (e as CommandError).message }));
    }
  }

  async function decodeVin(i: number) {
    const vin = form!.vehicles[i].vin.trim();
    if (!vin) return;
    try {
      const info = await api.decodeVin(vin);
      update((f) => {
        const v = f.vehicles[i];
        const year = v.year.trim() && info.model_years.includes(Number(v.year)) ? v.year : String(info.model_years[0] ?? "");
        return { ...f, vehicles: at(f.vehicles, i, { ...v, vin: info.vin, year, make: v.make.trim() || info.manufacturer || "" }) };
      });
      setVinNotes((n) => ({ ...n, [i]: `Decoded: ${info.manufacturer ?? "maker not in the table"}, model year ${info.model_years.join(" or ")}` }));
      setEngineProblems((p) => {
        const { [`vehicles.${i}.vin`]: _, ...rest } = p;
        return rest;
      });
    } catch (e) {
      setVinNotes((n) => ({ ...n, [i]: "" }));
      setEngineProblems((p) => ({ ...p, [`vehicles.${i}.vin`]: (e as CommandError).message }));
    }
  }

  async function save() {
    setShown(new Set([0, 1, 2, 3]));
    if (!converted.input) return;
    if (endorsing) {
      onEndorse?.(endorsing, converted.input);
      return;
    }
    setSaving({ busy: true, error: null });
    // No draft save may start once the quote's is under way (it would
    // re-create the draft the save deletes); wait for one in flight.
    finished.current = true;
    await draftChain.current;
    try {
      const saved = await api.saveQuote(draftIdRef.current, quoteId, converted.input);
      touched.current = false;
      setSaving({ busy: false, error: null });
      onSaved(saved.summary);
    } catch (e) {
      const error = e as CommandError;
      const problems: Problems = {};
      for (const f of error.fields ?? []) problems[fieldKey(f.path, converted.input)] ??= f.message;
      setEngineProblems(problems);
      setSaving({ busy: false, error });
      finished.current = false;
    }
  }

  async function closeWizard() {
    if (touched.current) await saveDraft(form!, step);
    onClose();
  }

  const price$ =
    price.kind === "priced"
      ? formatUsd(price.rating.premium)
      : price.kind === "pricing"
        ? price.previous
          ? `${formatUsd(price.previous.premium)} (updating)`
          : "Pricing..."
        : price.kind === "failed"
          ? "Cannot price yet"
          : "Not complete yet";
  const shownRating = price.kind === "priced" ? price.rating : price.kind === "pricing" ? price.previous : null;

  const allProblems = [
    ...Object.entries(converted.problems).filter(([k]) => k !== "coverages"),
    ...Object.entries(engineProblems).filter(([k]) => !(k in converted.problems)),
  ];

  return (
    <section className="wizard" aria-label="Quote wizard" data-step={step + 1} data-draft-id={draftId ?? undefined}>
      <div className="wizard-head">
        <h2>
          {endorsing ? `Endorse ${endorsing}` : quoteId ? "Edit quote (new version)" : auto ? "New personal auto quote" : "New homeowners quote"}
        </h2>
        <p className="live-premium" aria-live="polite">
          Premium: <output id="live-premium" data-state={price.kind} data-seq={price.seq}>{price$}</output>
          {price.kind === "priced" && <span className={`decision decision-${price.rating.decision}`}> {price.rating.decision}</span>}
        </p>
        {endorsing ? (
          <p className="meta" id="draft-state" data-state="endorsement">
            Change what the endorsement changes; the premium difference is worked out on the policy.
          </p>
        ) : (
          <p className="meta" id="draft-state" data-state={typeof draftState === "string" ? draftState : "failed"}>
            {draftState === "saved"
              ? `Draft saved${draftId ? ` (draft ${draftId})` : ""}`
              : draftState === "saving"
                ? "Saving draft..."
                : draftState === "unsaved"
                  ? "Not saved yet"
                  : `The draft could not be saved: ${draftState.message}`}
          </p>
        )}
      </div>
      <ol className="steps" aria-label="Steps">
        {steps.map((name, i) => (
          <li key={name}>
            <button
              type="button"
              className="step-button"
              id={`step-${i + 1}`}
              aria-current={i === step ? "step" : undefined}
              data-problems={stepProblems(i).length || undefined}
              onClick={() => go(i)}
            >
              {i + 1}. {name}
            </button>
          </li>
        ))}
      </ol>
      <form onSubmit={next} aria-label={steps[step]} id="wizard-step" tabIndex={-1} noValidate>
        {step === 0 && (
          <fieldset>
            <legend>Customer and address</legend>
            {!quoteId && (
              <SelectField
                field="product"
                label="Product"
                value={form.product}
                onChange={(v) => {
                  touched.current = true;
                  setForm((f) => (f ? { ...emptyForm(v as Product), ...pick(f) } : f));
                }}
                options={[
                  { value: "personal-auto", label: "Personal auto" },
                  { value: "homeowners-ho3", label: "Homeowners (HO-3)" },
                ]}
              />
            )}
            <TextField field="name" label="Customer name" className="wide" value={form.name} onChange={(v) => set("name", v)} error={problemAt("name")} autoComplete="name" />
            <TextField field="street" label="Street" className="wide" value={form.street} onChange={(v) => set("street", v)} error={problemAt("street")} />
            <TextField field="city" label="City" value={form.city} onChange={(v) => set("city", v)} error={problemAt("city")} />
            <TextField
              field="zip"
              label="ZIP"
              value={form.zip}
              onChange={(v) => {
                setZipInfo(null);
                setEngineProblems(({ zip: _, ...rest }) => rest);
                set("zip", v);
              }}
              onBlur={checkZip}
              inputMode="numeric"
              maxLength={5}
              error={problemAt("zip") ?? (zipInfo && form.state.trim() && zipInfo.state !== form.state.trim().toUpperCase() ? `ZIP ${zipInfo.zip} is in ${zipInfo.state}, not ${form.state.trim().toUpperCase()}` : undefined)}
              hint={zipInfo ? `${zipInfo.county ? `${zipInfo.county} County, ` : ""}${zipInfo.state}` : undefined}
            />
            <TextField field="state" label="State" value={form.state} onChange={(v) => set("state", v.toUpperCase())} maxLength={2} error={problemAt("state")} />
            <TextField field="dateOfBirth" label="Date of birth" placeholder="YYYY-MM-DD" value={form.dateOfBirth} onChange={(v) => set("dateOfBirth", v)} error={problemAt("dateOfBirth")} />
            <TextField field="email" label="Email" inputMode="email" className="wide" value={form.email} onChange={(v) => set("email", v)} error={problemAt("email")} />
            <TextField field="phone" label="Phone" inputMode="tel" value={form.phone} onChange={(v) => set("phone", v)} error={problemAt("phone")} />
            <TextField field="effectiveDate" label="Effective date" placeholder="YYYY-MM-DD" value={form.effectiveDate} onChange={(v) => set("effectiveDate", v)} error={problemAt("effectiveDate")} />
          </fieldset>
        )}
        {step === 1 && auto && (
          <>
            {form.vehicles.map((v, i) => {
              const setV = (change: Partial<typeof v>) => update((f) => ({ ...f, vehicles: at(f.vehicles, i, { ...f.vehicles[i], ...change }) }));
              const k = (f: string) => `vehicles.${i}.${f}`;
              return (
                <fieldset key={i} aria-label={`Vehicle ${i + 1}`}>
                  <legend>Vehicle {i + 1}</legend>
                  <TextField
                    field={k("vin")}
                    label="VIN"
                    className="wide"
                    maxLength={17}
                    value={v.vin}
                    onChange={(x) => setV({ vin: x.toUpperCase() })}
                    onBlur={() => v.vin.trim().length === 17 && decodeVin(i)}
                    error={problemAt(k("vin"))}
                    hint={vinNotes[i] || "17 characters; fills the model year and make"}
                  />
                  <button type="button" className="secondary" onClick={() => decodeVin(i)} aria-label={`Decode VIN of vehicle ${i + 1}`}>
                    Decode VIN
                  </button>
                  <TextField field={k("year")} label="Model year" inputMode="numeric" maxLength={4} value={v.year} onChange={(x) => setV({ year: x })} error={problemAt(k("year"))} />
                  <TextField field={k("make")} label="Make" value={v.make} onChange={(x) => setV({ make: x })} error={problemAt(k("make"))} />
                  <TextField field={k("model")} label="Model" value={v.model} onChange={(x) => setV({ model: x })} error={problemAt(k("model"))} />
                  <SelectField field={k("use")} label="Use" value={v.use} onChange={(x) => setV({ use: x as VehicleUse })} options={USES} error={problemAt(k("use"))} />
                  <TextField field={k("annualMiles")} label="Annual miles" inputMode="numeric" value={v.annualMiles} onChange={(x) => setV({ annualMiles: x })} error={problemAt(k("annualMiles"))} />
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
                    <button type="button" className="secondary" onClick={() => update((f) => ({ ...f, vehicles: f.vehicles.filter((_, j) => j !== i) }))}>
                      Remove vehicle {i + 1}
                    </button>
                  )}
                </fieldset>
              );
            })}
            <button type="button" className="secondary" id="add-vehicle" onClick={() => update((f) => ({ ...f, vehicles: [...f.vehicles, emptyVehicle()] }))}>
              Add a vehicle
            </button>
          </>
        )}
        {step === 1 && !auto && (
          <fieldset>
            <legend>The dwelling</legend>
            <TextField field="dwelling.yearBuilt" label="Year built" inputMode="numeric" maxLength={4} value={form.dwelling.yearBuilt} onChange={(x) => set("dwelling", { ...form.dwelling, yearBuilt: x })} error={problemAt("dwelling.yearBuilt")} />
            <SelectField
              field="dwelling.construction"
              label="Construction"
              value={form.dwelling.construction}
              onChange={(x) => set("dwelling", { ...form.dwelling, construction: x as WizardForm["dwelling"]["construction"] })}
              options={["frame", "masonry", "masonry-veneer", "fire-resistive"].map((c) => ({ value: c, label: kindLabel(c) }))}
            />
            <TextField field="dwelling.protectionClass" label="Protection class (1-10)" inputMode="numeric" maxLength={2} value={form.dwelling.protectionClass} onChange={(x) => set("dwelling", { ...form.dwelling, protectionClass: x })} error={problemAt("dwelling.protectionClass")} />
            <TextField field="dwelling.roofAge" label="Roof age (years)" inputMode="numeric" value={form.dwelling.roofAge} onChange={(x) => set("dwelling", { ...form.dwelling, roofAge: x })} error={problemAt("dwelling.roofAge")} />
            <SelectField
              field="dwelling.roofType"
              label="Roof type"
              value={form.dwelling.roofType}
              onChange={(x) => set("dwelling", { ...form.dwelling, roofType: x as WizardForm["dwelling"]["roofType"] })}
              options={["asphalt-shingle", "metal", "tile", "slate", "wood-shake", "flat"].map((c) => ({ value: c, label: kindLabel(c) }))}
            />
            <TextField field="dwelling.squareFeet" label="Living area (sq ft)" inputMode="numeric" value={form.dwelling.squareFeet} onChange={(x) => set("dwelling", { ...form.dwelling, squareFeet: x })} error={problemAt("dwelling.squareFeet")} />
            <TextField field="dwelling.coverageA" label="Dwelling limit (Coverage A, $)" inputMode="decimal" value={form.dwelling.coverageA} onChange={(x) => set("dwelling", { ...form.dwelling, coverageA: x })} error={problemAt("dwelling.coverageA")} />
            {form.state.trim().toUpperCase() === "FL" && (
              <>
                <CheckField field="dwelling.windInspected" label="A wind mitigation inspection was done (form OIR-B1-1802)" checked={form.dwelling.windInspected} onChange={(x) => set("dwelling", { ...form.dwelling, windInspected: x })} />
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
                    <CheckField field="dwelling.secondaryWaterResistance" label="Secondary water barrier under the roof covering" checked={form.dwelling.secondaryWaterResistance} onChange={(x) => set("dwelling", { ...form.dwelling, secondaryWaterResistance: x })} />
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
                        wildfireMeasures: x ? [...form.dwelling.wildfireMeasures, m.value] : form.dwelling.wildfireMeasures.filter((v) => v !== m.value),
                      })
                    }
                  />
                ))}
              </>
            )}
            <CheckField field="dwelling.elsewhere" label="The home is not at the mailing address" checked={form.dwelling.elsewhere} onChange={(x) => set("dwelling", { ...form.dwelling, elsewhere: x })} />
            {form.dwelling.elsewhere && (
              <>
                <TextField field="dwelling.street" label="Home's street" className="wide" value={form.dwelling.street} onChange={(x) => set("dwelling", { ...form.dwelling, street: x })} error={problemAt("dwelling.street")} />
                <TextField field="dwelling.city" label="Home's city" value={form.dwelling.city} onChange={(x) => set("dwelling", { ...form.dwelling, city: x })} error={problemAt("dwelling.city")} />
                <TextField field="dwelling.zip" label="Home's ZIP" inputMode="numeric" maxLength={5} value={form.dwelling.zip} onChange={(x) => set("dwelling", { ...form.dwelling, zip: x })} error={problemAt("dwelling.zip")} />
              </>
            )}
          </fieldset>
        )}
        {step === 2 && (
          <CoveragesStep form={form} options={packOptions} optionsError={options.kind === "failed" && options.key === optionsKey ? options.error : null} update={update} problemAt={problemAt} />
        )}
        {step === 3 && (
          <>
            {auto &&
              form.drivers.map((d, i) => {
                const setD = (change: Partial<typeof d>) => update((f) => ({ ...f, drivers: at(f.drivers, i, { ...f.drivers[i], ...change }) }));
                const k = (f: string) => `drivers.${i}.${f}`;
                return (
                  <fieldset key={i} aria-label={`Driver ${i + 1}`}>
                    <legend>Driver {i + 1}</legend>
                    <TextField field={k("name")} label="Driver name" className="wide" value={d.name} onChange={(x) => setD({ name: x })} error={problemAt(k("name"))} />
                    <TextField field={k("dateOfBirth")} label="Driver date of birth" placeholder="YYYY-MM-DD" value={d.dateOfBirth} onChange={(x) => setD({ dateOfBirth: x })} error={problemAt(k("dateOfBirth"))} />
                    <TextField field={k("licenseDate")} label="First licensed" placeholder="YYYY-MM-DD" value={d.licenseDate} onChange={(x) => setD({ licenseDate: x })} error={problemAt(k("licenseDate"))} />
                    <TextField field={k("licenseNumber")} label="Licence number" value={d.licenseNumber} onChange={(x) => setD({ licenseNumber: x })} error={problemAt(k("licenseNumber"))} />
                    <TextField field={k("licenseState")} label="Licence state" maxLength={2} placeholder={form.state} value={d.licenseState} onChange={(x) => setD({ licenseState: x.toUpperCase() })} error={problemAt(k("licenseState"))} />
                    <CheckField field={k("goodStudent")} label="Good student" checked={d.goodStudent} onChange={(x) => setD({ goodStudent: x })} />
                    <CheckField field={k("defensiveDriving")} label="Defensive driving course" checked={d.defensiveDriving} onChange={(x) => setD({ defensiveDriving: x })} />
                    {d.defensiveDriving && (
                      <TextField field={k("courseDate")} label="Course completed on (YYYY-MM-DD)" value={d.courseDate} onChange={(x) => setD({ courseDate: x })} error={problemAt(k("courseDate"))} />
                    )}
                    <CheckField field={k("excluded")} label="Excluded from cover (signed named-driver exclusion)" checked={d.excluded} onChange={(x) => setD({ excluded: x })} />
                    <div className="incidents">
                      {d.violations.map((v, j) => (
                        <div className="row" key={`v${j}`}>
                          <TextField field={k(`violations.${j}.date`)} label={`Violation ${j + 1} date`} placeholder="YYYY-MM-DD" value={v.date} onChange={(x) => setD({ violations: at(d.violations, j, { ...v, date: x }) })} error={problemAt(k(`violations.${j}.date`))} />
                          <SelectField field={k(`violations.${j}.kind`)} label={`Violation ${j + 1} kind`} value={v.kind} onChange={(x) => setD({ violations: at(d.violations, j, { ...v, kind: x as typeof v.kind }) })} options={VIOLATION_KINDS.map((x) => ({ value: x, label: kindLabel(x) }))} />
                          <button type="button" className="secondary" onClick={() => setD({ violations: d.violations.filter((_, n) => n !== j) })}>
                            Remove violation {j + 1}
                          </button>
                        </div>
                      ))}
                      {d.accidents.map((a, j) => (
                        <div className="row" key={`a${j}`}>
                          <TextField field={k(`accidents.${j}.date`)} label={`Accident ${j + 1} date`} placeholder="YYYY-MM-DD" value={a.date} onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, date: x }) })} error={problemAt(k(`accidents.${j}.date`))} />
                          <CheckField field={k(`accidents.${j}.atFault`)} label={`Accident ${j + 1} at fault`} checked={a.atFault} onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, atFault: x }) })} />
                          <CheckField field={k(`accidents.${j}.bodilyInjury`)} label={`Accident ${j + 1} with bodily injury`} checked={a.bodilyInjury} onChange={(x) => setD({ accidents: at(d.accidents, j, { ...a, bodilyInjury: x }) })} />
                          <button type="button" className="secondary" onClick={() => setD({ accidents: d.accidents.filter((_, n) => n !== j) })}>
                            Remove accident {j + 1}
                          </button>
                        </div>
                      ))}
                      <button type="button" className="secondary" onClick={() => setD({ violations: [...d.violations, { date: "", kind: "speeding" }] })}>
                        Add a violation for driver {i + 1}
                      </button>
                      <button type="button" className="secondary" onClick={() => setD({ accidents: [...d.accidents, { date: "", atFault: true, bodilyInjury: false }] })}>
                        Add an accident for driver {i + 1}
                      </button>
                    </div>
                    {form.drivers.length > 1 && (
                      <button type="button" className="secondary" onClick={() => update((f) => ({ ...f, drivers: f.drivers.filter((_, j) => j !== i), vehicles: f.vehicles.map((v) => ({ ...v, principalDriver: "0" })) }))}>
                        Remove driver {i + 1}
                      </button>
                    )}
                  </fieldset>
                );
              })}
            {auto && (
              <>
                <button type="button" className="secondary" id="add-driver" onClick={() => update((f) => ({ ...f, drivers: [...f.drivers, emptyDriver()] }))}>
                  Add a driver
                </button>
                <fieldset id="prior-insurance">
                  <legend>Insurance before this policy</legend>
                  <CheckField field="priorInsured" label="The customer had auto insurance before" checked={form.priorInsured} onChange={(x) => update((f) => ({ ...f, priorInsured: x }))} />
                  {form.priorInsured && (
                    <>
                      <TextField field="priorCarrier" label="Prior insurer" value={form.priorCarrier} onChange={(x) => update((f) => ({ ...f, priorCarrier: x }))} error={problemAt("priorCarrier")} />
                      <TextField field="priorMonths" label="Months of continuous cover" inputMode="numeric" value={form.priorMonths} onChange={(x) => update((f) => ({ ...f, priorMonths: x }))} error={problemAt("priorMonths")} />
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
                  <TextField field={`claims.${j}.date`} label={`Loss ${j + 1} date`} placeholder="YYYY-MM-DD" value={c.date} onChange={(x) => set("claims", at(form.claims, j, { ...c, date: x }))} error={problemAt(`claims.${j}.date`)} />
                  <TextField field={`claims.${j}.cause`} label={`Loss ${j + 1} cause`} placeholder="water, wind, theft..." value={c.cause} onChange={(x) => set("claims", at(form.claims, j, { ...c, cause: x }))} error={problemAt(`claims.${j}.cause`)} />
                  <button type="button" className="secondary" onClick={() => set("claims", form.claims.filter((_, n) => n !== j))}>
                    Remove loss {j + 1}
                  </button>
                </div>
              ))}
              <button type="button" className="secondary" onClick={() => set("claims", [...form.claims, { date: "", cause: "" }])}>
                Add a loss
              </button>
            </fieldset>
          </>
        )}
        {step === 4 && (
          <div id="review">
            {allProblems.length > 0 && (
              <div className="error" role="alert" id="review-problems">
                <p>Before this quote can be saved:</p>
                <ul>
                  {allProblems.map(([key, message]) => (
                    <li key={key}>
                      <button type="button" className="link" onClick={() => go(stepOf(key))}>
                        {steps[stepOf(key)]}
                      </button>
                      : {key} {message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {price.kind === "failed" && allProblems.length === 0 && (
              <div className="error" role="alert" id="price-error" data-code={price.error.code}>
                {price.error.message}
              </div>
            )}
            {shownRating && <RatingReview rating={shownRating} vehicleLabels={form.vehicles.map(vehicleLabel)} driverNames={form.drivers.map((d) => d.name)} />}
            {saving.error && (
              <div className="error" role="alert" id="save-error" data-code={saving.error.code}>
                The quote was not saved. {saving.error.message}
              </div>
            )}
          </div>
        )}
        <div className="wizard-actions">
          <button type="button" className="secondary" id="wizard-back" disabled={step === 0} onClick={() => go(step - 1)}>
            Back
          </button>
          {step < 4 ? (
            <button type="submit" id="wizard-next">
              Next: {steps[step + 1]}
            </button>
          ) : (
            <button type="button" id="save-quote" disabled={saving.busy || !converted.input || price.kind !== "priced" || price.rating.draft} onClick={save}>
              {endorsing ? "Review the endorsement" : saving.busy ? "Saving..." : quoteId ? "Save as a new version" : "Save quote"}
            </button>
          )}
          <button type="button" className="secondary" id="wizard-close" onClick={closeWizard}>
            {endorsing ? "Back to the policy" : "Save draft and close"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The wind mitigation inspection's questions (form OIR-B1-1802), each a dwelling field. */
const WIND_QUESTIONS: { key: "roofShape" | "roofDeck" | "roofToWall" | "openingProtection"; label: string; options: { value: string; label: string }[] }[] = [
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

/** What carries over when the product changes: the customer. */
function pick(f: WizardForm): Partial<WizardForm> {
  const { name, street, city, state, zip, dateOfBirth, email, phone, effectiveDate } = f;
  return { name, street, city, state, zip, dateOfBirth, email, phone, effectiveDate };
}

function CoveragesStep({
  form,
  options,
  optionsError,
  update,
  problemAt,
}: {
  form: WizardForm;
  options: QuoteOptions | null;
  optionsError: CommandError | null;
  update: (change: (f: WizardForm) => WizardForm) => void;
  problemAt: (key: string) => string | undefined;
}) {
  if (optionsError) {
    return (
      <div className="error" role="alert" id="options-error" data-code={optionsError.code}>
        {optionsError.message}
      </div>
    );
  }
  if (!options) return <p className="meta">Enter the customer's state and a valid effective date to see the coverages the rate pack offers.</p>;
  const setC = (code: string, change: Partial<WizardForm["coverages"][string]>) =>
    update((f) => ({ ...f, coverages: { ...f.coverages, [code]: { ...(f.coverages[code] ?? { selected: false, limit: "", deductible: "" }), ...change } } }));
  const hurricaneDollars = (c: CoverageOption, deductible: string) => {
    if (!deductible.endsWith("%") || c.code !== "HURRICANE") return null;
    const a = form.dwelling.coverageA.trim().replace(/,/g, "");
    if (!/^\d+$/.test(a)) return null;
    // Whole dollars of a whole-percent share: integer arithmetic, no float.
    const pct = BigInt(deductible.slice(0, -1));
    return `${deductible} of Coverage A = ${formatUsd(((BigInt(a) * pct) / 100n).toString())}`;
  };
  return (
    <>
      <fieldset>
        <legend>Coverages</legend>
        <p className="meta">
          Rate pack {options.pack_id.split("@")[0]}. Coverages the state requires are preselected and cannot be removed.
        </p>
        {options.coverages.map((c) => {
          const chosen = form.coverages[c.code] ?? { selected: false, limit: "", deductible: "" };
          const recLimit = recommendedLimit(c, form.coverages);
          const recDeductible = c.recommendation?.deductible ?? null;
          const differs = c.recommendation && (!chosen.selected || (recLimit && recLimit !== chosen.limit) || (recDeductible && recDeductible !== chosen.deductible));
          return (
            <div className="coverage" key={c.code} data-coverage={c.code}>
              <CheckField
                field={`coverages.${c.code}.selected`}
                label={`${c.name}${c.required ? " (required)" : ""}`}
                checked={c.required || chosen.selected}
                disabled={c.required}
                onChange={(x) => setC(c.code, { selected: x })}
              />
              {c.limits.length > 0 && (
                <SelectField
                  field={`coverages.${c.code}.limit`}
                  label={`${c.code} limit`}
                  value={chosen.limit}
                  disabled={!(c.required || chosen.selected)}
                  onChange={(x) => setC(c.code, { limit: x })}
                  options={c.limits.map((l) => ({ value: l, label: l }))}
                  error={problemAt(`coverages.${c.code}.limit`)}
                />
              )}
              {c.deductibles.length > 0 && (
                <SelectField
                  field={`coverages.${c.code}.deductible`}
                  label={`${c.code} deductible`}
                  value={chosen.deductible}
                  disabled={!(c.required || chosen.selected)}
                  onChange={(x) => setC(c.code, { deductible: x })}
                  options={c.deductibles.map((d) => ({ value: d, label: d.endsWith("%") ? `${d} of Coverage A` : `$${d}` }))}
                  error={problemAt(`coverages.${c.code}.deductible`)}
                  hint={hurricaneDollars(c, chosen.deductible) ?? undefined}
                />
              )}
              {c.recommendation && (
                <p className="recommendation" id={`recommend-${c.code}`}>
                  <strong>Recommended{recLimit ? `: ${recLimit}` : recDeductible ? `: ${recDeductible}` : ""}.</strong> {c.recommendation.reason}{" "}
                  {differs && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => setC(c.code, { selected: true, ...(recLimit ? { limit: recLimit } : {}), ...(recDeductible ? { deductible: recDeductible } : {}) })}
                    >
                      Use the recommendation for {c.code}
                    </button>
                  )}
                </p>
              )}
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>Term and payment</legend>
        <SelectField
          field="termMonths"
          label="Term"
          value={form.termMonths}
          onChange={(x) => update((f) => ({ ...f, termMonths: x }))}
          options={options.terms.map((t) => ({ value: String(t), label: `${t} months` }))}
          error={problemAt("termMonths")}
        />
        <SelectField
          field="installmentPlan"
          label="Payment plan"
          value={form.installmentPlan}
          onChange={(x) => update((f) => ({ ...f, installmentPlan: x }))}
          options={options.installment_plans.map((p) => ({ value: p.code, label: p.name }))}
          error={problemAt("installmentPlan")}
        />
        <SelectField
          field="paymentMethod"
          label="Paid by"
          value={form.paymentMethod}
          onChange={(x) => update((f) => ({ ...f, paymentMethod: x as WizardForm["paymentMethod"] }))}
          options={[
            { value: "", label: "Not said" },
            { value: "eft", label: "Automatic bank withdrawal (EFT)" },
            { value: "card", label: "Card" },
            { value: "check", label: "Check or other" },
          ]}
          error={problemAt("paymentMethod")}
        />
      </fieldset>
      <SignedForms form={form} options={options} update={update} problemAt={problemAt} />
    </>
  );
}

/**
 * The coverage decisions the state requires the insured to sign, for the
 * choices made above: the rejection of a coverage left out, the answer to
 * an offer, a selection of lower uninsured motorist limits. A quote saves
 * and prices without them; it cannot be bound until they are recorded.
 */
function SignedForms({
  form,
  options,
  update,
  problemAt,
}: {
  form: WizardForm;
  options: QuoteOptions;
  update: (change: (f: WizardForm) => WizardForm) => void;
  problemAt: (key: string) => string | undefined;
}) {
  const needed = options.elections.filter((e) => electionNeeded(e, form, options));
  if (needed.length === 0) return null;
  const writes = (code: string) => options.coverages.some((c) => c.code === code);
  const setE = (key: string, change: Partial<ElectionForm>) =>
    update((f) => ({
      ...f,
      elections: {
        ...f.elections,
        [key]: { ...(f.elections[key] ?? { signed: false, decision: "rejected", form: "", signedOn: f.effectiveDate, signedBy: f.name }), ...change },
      },
    }));
  const question = (e: ElectionOption) => {
    switch (e.kind) {
      case "reject-in-writing":
        return { text: `${capitalise(e.name)} is included unless the insured rejects it in writing (${e.law}).`, signed: "The insured signed the rejection" };
      case "offer":
        return {
          text: `The insured must be offered ${e.name} cover (${e.law})${e.written_by ? `; it is written by ${e.written_by}` : ""}.`,
          signed: "The insured signed their answer to the offer",
        };
      case "lower-limits-in-writing":
        return { text: `Uninsured motorist limits below bodily injury's need the insured's signed selection (${e.law}).`, signed: "The insured signed the selection of lower limits" };
    }
  };
  return (
    <fieldset id="signed-forms">
      <legend>Signed forms</legend>
      <p className="meta">The quote can be priced and saved without these; it cannot be bound until each is signed and recorded here.</p>
      {needed.map((e) => {
        const key = electionKey(e);
        const signed = form.elections[key];
        const q = question(e);
        return (
          <div className="election" key={key} data-election={key}>
            <p>{q.text}</p>
            <CheckField field={`elections.${key}.signed`} label={q.signed} checked={signed?.signed ?? false} onChange={(x) => setE(key, { signed: x })} />
            {signed?.signed && (
              <>
                {e.kind === "offer" && !writes(e.coverage) && (
                  <SelectField
                    field={`elections.${key}.decision`}
                    label="The insured"
                    value={signed.decision}
                    onChange={(x) => setE(key, { decision: x as ElectionForm["decision"] })}
                    options={[
                      { value: "rejected", label: "rejected it" },
                      { value: "accepted", label: "accepted it" },
                    ]}
                  />
                )}
                {e.kind === "offer" && writes(e.coverage) && (
                  <p className="meta">To take it instead, select {e.name} among the coverages above.</p>
                )}
                <TextField field={`elections.${key}.form`} label="Form and edition" value={signed.form} onChange={(x) => setE(key, { form: x })} error={problemAt(`elections.${key}.form`)} />
                <TextField field={`elections.${key}.signedOn`} label="Signed on (YYYY-MM-DD)" value={signed.signedOn} onChange={(x) => setE(key, { signedOn: x })} error={problemAt(`elections.${key}.signedOn`)} />
                <TextField field={`elections.${key}.signedBy`} label="Signed by" value={signed.signedBy} onChange={(x) => setE(key, { signedBy: x })} error={problemAt(`elections.${key}.signedBy`)} />
              </>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
