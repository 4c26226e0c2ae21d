// The five-step quote wizard. The form is saved as a draft (debounced) after
// every change, so a half-finished quote survives closing the app; the
// premium is re-priced (debounced) whenever the form makes a complete quote;
// the engine's messages stand next to the fields they name.
import { FormEvent, useCallback, useMemo, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { Product, QuoteInput, QuoteOptions, QuoteSummary, ZipInfo } from "../bindings";
import { ErrorBox } from "../shared/ErrorBox";
import { decisionLabel, describeError, formatMoney } from "../shared/language";
import { useCommand } from "../shared/useCommand";
import { fieldId } from "./fields";
import { emptyForm, HOME_STEPS, initialCoverages, Problems, STEPS, stepOf, toQuoteInput, WizardForm } from "./form";
import { at } from "./steps/common";
import { CoveragesStep } from "./steps/CoveragesStep";
import { CustomerStep } from "./steps/CustomerStep";
import { DriversStep } from "./steps/DriversStep";
import { PropertyStep } from "./steps/PropertyStep";
import { ReviewStep } from "./steps/ReviewStep";
import { VehiclesStep } from "./steps/VehiclesStep";
import { useDraftAutosave } from "./useDraftAutosave";
import { engineProblems as problemsOf, useLivePrice } from "./useLivePrice";

/** A look-up's refusal beside its field: the field's own message (without the engine's quoting), else the sentence for its code. */
function fieldMessage(error: CommandError): string {
  const own = error.fields?.[0]?.message;
  return own ? own.replace(/`/g, "") : describeError(error).sentence;
}

export type WizardStart =
  | { kind: "new"; product: Product }
  | { kind: "draft"; draftId: number }
  | { kind: "edit"; quoteId: number; form: WizardForm }
  // An endorsement: the policy's input in force, changed here and handed
  // back for review; no draft is kept and no quote is saved.
  | { kind: "endorse"; policyNumber: string; form: WizardForm };

/** The form fitted to the pack's options: another state's pack has other coverages, terms and plans. */
function withOptions(f: WizardForm, value: QuoteOptions): WizardForm {
  const codes = new Set(value.coverages.map((c) => c.code));
  const stale = Object.keys(f.coverages).some((code) => !codes.has(code));
  const coverages = Object.keys(f.coverages).length === 0 || stale ? initialCoverages(value) : f.coverages;
  const termMonths = value.terms.map(String).includes(f.termMonths) ? f.termMonths : String(value.terms[value.terms.length - 1] ?? 12);
  const plan = value.installment_plans.some((p) => p.code === f.installmentPlan)
    ? f.installmentPlan
    : (value.installment_plans[0]?.code ?? "");
  return { ...f, coverages, termMonths, installmentPlan: plan };
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
  const [quoteId, setQuoteId] = useState<number | null>(start.kind === "edit" ? start.quoteId : null);
  const [shown, setShown] = useState<Set<number>>(new Set());
  const [zipInfo, setZipInfo] = useState<ZipInfo | null>(null);
  const [vinNotes, setVinNotes] = useState<Record<number, string>>({});
  const [saving, setSaving] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  const touched = useRef(false);
  const draft = useDraftAutosave({ form, step, quoteId, keepsNoDraft: endorsing !== null, touched });
  const { draftId, state: draftState, resumed } = draft;

  // Resume a draft.
  const resuming = useCommand(api.loadDraft, [start.kind === "draft" ? start.draftId : 0], {
    enabled: start.kind === "draft",
    onLoaded: (view) => {
      // A draft saved by an older version of the app may lack newer fields.
      const empty = emptyForm(view.draft.product);
      const saved = view.draft.form as Partial<WizardForm>;
      setForm({ ...empty, ...saved, dwelling: { ...empty.dwelling, ...saved.dwelling } });
      setStep(Math.min(Math.max(view.draft.step - 1, 0), 4));
      setQuoteId(view.draft.quote_id);
      resumed(view.summary.id);
    },
  });
  const loadError = resuming.kind === "failed" ? resuming.error : null;

  const update = useCallback((change: (f: WizardForm) => WizardForm) => {
    touched.current = true;
    setForm((f) => (f ? change(f) : f));
  }, []);
  const set = useCallback(<K extends keyof WizardForm>(key: K, value: WizardForm[K]) => update((f) => ({ ...f, [key]: value })), [update]);

  // The pack's options for the state, product and date.
  const state = form?.state.trim().toUpperCase() ?? "";
  const effectiveDate = form?.effectiveDate.trim() ?? "";
  const product = form?.product ?? "personal-auto";
  const options = useCommand(api.quoteOptions, [state, product, effectiveDate], {
    enabled: form !== null && /^[A-Z]{2}$/.test(state) && /^\d{4}-\d{2}-\d{2}$/.test(effectiveDate),
    onLoaded: (value) => setForm((f) => (f ? withOptions(f, value) : f)),
  });
  const packOptions = options.kind === "loaded" ? options.value : null;

  const converted = useMemo(
    () => (form ? toQuoteInput(form, packOptions) : { input: null, problems: {} as Problems }),
    [form, packOptions],
  );

  // Live premium, debounced; an older answer never replaces a newer one.
  const { price, rating: shownRating, problems: engineProblems, setProblems: setEngineProblems } = useLivePrice(converted.input);

  if (loadError) {
    return (
      <ErrorBox id="wizard-error" error={loadError}>
        This draft could not be opened.
      </ErrorBox>
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
      setEngineProblems((p) => ({ ...p, zip: fieldMessage(e as CommandError) }));
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
      setVinNotes((n) => ({
        ...n,
        [i]: `Decoded: ${info.manufacturer ?? "maker not in the table"}, model year ${info.model_years.join(" or ")}`,
      }));
      setEngineProblems((p) => {
        const { [`vehicles.${i}.vin`]: _, ...rest } = p;
        return rest;
      });
    } catch (e) {
      setVinNotes((n) => ({ ...n, [i]: "" }));
      setEngineProblems((p) => ({ ...p, [`vehicles.${i}.vin`]: fieldMessage(e as CommandError) }));
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
    const replacing = await draft.finish();
    try {
      const saved = await api.saveQuote(replacing, quoteId, converted.input);
      touched.current = false;
      setSaving({ busy: false, error: null });
      onSaved(saved.summary);
    } catch (e) {
      const error = e as CommandError;
      setEngineProblems(problemsOf(error, converted.input));
      setSaving({ busy: false, error });
      draft.unfinish();
    }
  }

  async function closeWizard() {
    if (touched.current) await draft.save(form!, step);
    onClose();
  }

  const price$ =
    price.kind === "priced"
      ? formatMoney(price.rating.premium)
      : price.kind === "pricing"
        ? price.previous
          ? `${formatMoney(price.previous.premium)} (updating)`
          : "Pricing..."
        : price.kind === "failed"
          ? "Cannot price yet"
          : "Not complete yet";

  const allProblems = [
    ...Object.entries(converted.problems).filter(([k]) => k !== "coverages"),
    ...Object.entries(engineProblems).filter(([k]) => !(k in converted.problems)),
  ];

  return (
    <section className="wizard" aria-label="Quote wizard" data-step={step + 1} data-draft-id={draftId ?? undefined}>
      <div className="wizard-head">
        <h2>
          {endorsing
            ? `Endorse ${endorsing}`
            : quoteId
              ? "Edit quote (new version)"
              : auto
                ? "New personal auto quote"
                : "New homeowners quote"}
        </h2>
        <p className="live-premium" aria-live="polite">
          Premium:{" "}
          <output id="live-premium" data-state={price.kind} data-seq={price.seq}>
            {price$}
          </output>
          {price.kind === "priced" && (
            <span className={`decision decision-${price.rating.decision}`} data-decision={price.rating.decision}>
              {" "}
              {decisionLabel(price.rating.decision)}
            </span>
          )}
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
                  : `The draft could not be saved. ${describeError(draftState).sentence}`}
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
          <CustomerStep
            form={form}
            update={update}
            set={set}
            problemAt={problemAt}
            canChangeProduct={!quoteId}
            zipInfo={zipInfo}
            onZipChange={(v) => {
              setZipInfo(null);
              setEngineProblems(({ zip: _, ...rest }) => rest);
              set("zip", v);
            }}
            onZipBlur={checkZip}
          />
        )}
        {step === 1 && auto && (
          <VehiclesStep form={form} update={update} problemAt={problemAt} vinNotes={vinNotes} onDecodeVin={decodeVin} />
        )}
        {step === 1 && !auto && <PropertyStep form={form} set={set} problemAt={problemAt} />}
        {step === 2 && (
          <CoveragesStep
            form={form}
            options={packOptions}
            optionsError={options.kind === "failed" ? options.error : null}
            update={update}
            problemAt={problemAt}
          />
        )}
        {step === 3 && <DriversStep form={form} update={update} set={set} problemAt={problemAt} />}
        {step === 4 && (
          <ReviewStep
            form={form}
            steps={steps}
            allProblems={allProblems}
            price={price}
            rating={shownRating}
            saveError={saving.error}
            onGo={go}
          />
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
            <button
              type="button"
              id="save-quote"
              disabled={saving.busy || !converted.input || price.kind !== "priced" || price.rating.draft}
              onClick={save}
            >
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
