// The five-step quote wizard. The form is saved as a draft (debounced) after
// every change, so a half-finished quote survives closing the app; the
// premium is re-priced (debounced) whenever the form makes a complete quote.
// Every field is checked as it is left and every step before it is left
// (the form's own checks, the ZIP and VIN look-ups, the engine's field
// errors), each message next to its field; Review is reached only when no
// field has a problem (validate.ts is the gate).
import { FocusEvent, FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { Product, QuoteInput, QuoteOptions, QuoteSummary } from "../bindings";
import { ConfirmButton } from "../shared/ConfirmButton";
import { ErrorBox } from "../shared/ErrorBox";
import { describeError, formatMoney, stateName } from "../shared/language";
import { useCommand } from "../shared/useCommand";
import { fieldId } from "./fields";
import {
  emptyForm,
  formatAmount,
  formatPhone,
  HOME_STEPS,
  initialCoverages,
  isDate,
  normalizeAmount,
  Problems,
  STEPS,
  stepOf,
  toQuoteInput,
  today,
  vinProblem,
  WizardForm,
} from "./form";
import { at } from "./steps/common";
import { CoveragesStep } from "./steps/CoveragesStep";
import { CustomerStep } from "./steps/CustomerStep";
import { DriversStep } from "./steps/DriversStep";
import { PropertyStep } from "./steps/PropertyStep";
import { ReviewStep } from "./steps/ReviewStep";
import { VehiclesStep } from "./steps/VehiclesStep";
import { useDraftAutosave } from "./useDraftAutosave";
import { engineProblems as problemsOf, useLivePrice } from "./useLivePrice";
import {
  Checks,
  firstProblem,
  flagged,
  formProblems,
  namesOf,
  Nav,
  navigate,
  prefillDriver,
  problemSentence,
  problemsOn,
  REVIEW,
  startNav,
  withInsuredAsDriver,
  zipFields,
  ZipCheck,
} from "./validate";

/** A look-up's refusal beside its field: the field's own message (without the engine's quoting), else the sentence for its code. */
function fieldMessage(error: CommandError): string {
  const own = error.fields?.[0]?.message;
  return own ? own.replace(/`/g, "") : describeError(error).sentence;
}

export type WizardStart =
  // A new quote, for a customer already known when `prefill` names them.
  | { kind: "new"; product: Product; prefill?: Partial<WizardForm> }
  | { kind: "draft"; draftId: number }
  | { kind: "edit"; quoteId: number; form: WizardForm }
  // An endorsement: the policy's input in force, changed here and handed
  // back for review; no draft is kept and no quote is saved.
  | { kind: "endorse"; policyNumber: string; form: WizardForm };

/** The engine's decision as the agent acts on it. */
const DECISION_WORDS: Record<string, string> = {
  accept: "Ready to bind",
  refer: "Needs an underwriter",
  decline: "Declined",
};

/** How long a move waits for a look-up or the engine before it decides on what it has. */
const CHECK_TIMEOUT_MS = 5000;

/** Fields whose value is tidied as the agent leaves them: amounts grouped, the phone formatted. */
const AMOUNTS = /^(vehicles\.\d+\.(annualMiles|costNew)|dwelling\.(squareFeet|coverageA))$/;

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
    start.kind === "new"
      ? { ...emptyForm(start.product), ...start.prefill }
      : start.kind === "edit" || start.kind === "endorse"
        ? start.form
        : null,
  );
  const [nav, setNav] = useState<Nav>(startNav(0));
  const step = nav.step;
  const [quoteId, setQuoteId] = useState<number | null>(start.kind === "edit" ? start.quoteId : null);
  /** Fields the agent has left (and not come back to): their own problems show. */
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const [lookups, setLookups] = useState<Pick<Checks, "zips" | "vins">>({ zips: {}, vins: {} });
  const lookupsRef = useRef(lookups);
  /** ZIP look-ups on their way, so a ZIP is asked about once. */
  const zipLookups = useRef<Record<string, Promise<void>>>({});
  const [vinNotes, setVinNotes] = useState<Record<number, string>>({});
  const [saving, setSaving] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  const [checking, setChecking] = useState(false);
  const [discardError, setDiscardError] = useState<CommandError | null>(null);
  /** After a refused move, the first invalid field takes the focus once it is shown; or a field the agent asked for. */
  const [focusNext, setFocusNext] = useState<{ key: string | null } | null>(null);
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
      setNav(startNav(Math.min(Math.max(view.draft.step - 1, 0), REVIEW)));
      setQuoteId(view.draft.quote_id);
      resumed(view.summary.id);
    },
  });
  const loadError = resuming.kind === "failed" ? resuming.error : null;

  const update = useCallback((change: (f: WizardForm) => WizardForm) => {
    touched.current = true;
    setForm((f) => (f ? prefillDriver(f, change(f)) : f));
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

  const now = today();
  const converted = useMemo(
    () => (form ? toQuoteInput(form, packOptions, now) : { input: null, problems: {} as Problems }),
    [form, packOptions, now],
  );

  // Live premium, debounced; an older answer never replaces a newer one.
  const live = useLivePrice(converted.input);
  const { price, rating: shownRating, problems: engineProblems, setProblems: setEngineProblems } = live;

  const problems = useMemo(
    () => (form ? formProblems(form, packOptions, { today: now, ...lookups, engine: engineProblems }) : {}),
    [form, packOptions, now, lookups, engineProblems],
  );

  // The latest of each, for a move decided after a look-up or a pricing answers.
  const latest = useRef({ form, packOptions, nav });
  useEffect(() => {
    latest.current = { form, packOptions, nav };
  });

  // A refused move: the first invalid field of the step takes the focus once shown.
  useEffect(() => {
    if (!focusNext) return;
    setFocusNext(null);
    const step = document.getElementById("wizard-step");
    const target =
      (focusNext.key ? document.getElementById(fieldId(focusNext.key)) : null) ??
      step?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      step?.querySelector<HTMLElement>("#step-problems button") ??
      step;
    target?.focus();
  }, [focusNext]);

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
  const names = namesOf(form);
  /** Whether a field's problem shows: the engine's always; the rest once the field or its step was left. */
  const showing = (key: string) => key in engineProblems || left.has(key) || nav.visited.includes(stepOf(key));
  const problemAt = (key: string): string | undefined => {
    const message = problems[key];
    return message && showing(key) ? problemSentence(key, message, names) : undefined;
  };

  function record(change: (l: Pick<Checks, "zips" | "vins">) => Pick<Checks, "zips" | "vins">) {
    lookupsRef.current = change(lookupsRef.current);
    setLookups(lookupsRef.current);
  }

  /** Looks a ZIP up once; the customer's fills the state when it is empty. */
  function lookUpZip(zip: string): Promise<void> {
    if (!/^\d{5}$/.test(zip)) return Promise.resolve();
    if (zip in lookupsRef.current.zips) return Promise.resolve();
    zipLookups.current[zip] ??= api.lookupZip(zip).then(
      (info) => record((l) => ({ ...l, zips: { ...l.zips, [zip]: info as ZipCheck } })),
      (e: CommandError) => {
        delete zipLookups.current[zip];
        record((l) => ({ ...l, zips: { ...l.zips, [zip]: { error: fieldMessage(e) } } }));
      },
    );
    return zipLookups.current[zip];
  }

  async function checkZip() {
    const zip = form!.zip.trim();
    await lookUpZip(zip);
    const found = lookupsRef.current.zips[zip];
    if (found && "state" in found && !latest.current.form?.state.trim()) set("state", found.state);
  }

  /** Asks the engine about a VIN the form's own checks pass; remembers whether it decoded. */
  function checkVin(vin: string): Promise<void> {
    const v = vin.trim().toUpperCase();
    if (!v || vinProblem(v) || v in lookupsRef.current.vins) return Promise.resolve();
    return api.decodeVin(v).then(
      () => record((l) => ({ ...l, vins: { ...l.vins, [v]: null } })),
      (e: CommandError) => record((l) => ({ ...l, vins: { ...l.vins, [v]: fieldMessage(e) } })),
    );
  }

  /** Decides a move on the form as it stands now, with every answer in. */
  function decide(target: number, how: "next" | "jump") {
    const { form: f, packOptions: o, nav: n } = latest.current;
    if (!f) return;
    const all = formProblems(f, o, { today: today(), ...lookupsRef.current, engine: live.problemsNow() });
    const moved = navigate(n, target, all, how);
    touched.current = true;
    setNav(moved.nav);
    latest.current = { ...latest.current, nav: moved.nav };
    if (moved.nav.step === 3 && n.step !== 3) setForm((x) => (x ? withInsuredAsDriver(x) : x));
    if (moved.stopped !== null) setFocusNext({ key: null });
    else document.getElementById("wizard-step")?.focus();
  }

  /**
   * A move to `target`. Leaving a step forward, or going to Review, first
   * waits for what is still being checked (the ZIP and VIN look-ups of the
   * steps it leaves, the engine's pricing of the form as it stands).
   */
  function attempt(target: number, how: "next" | "jump") {
    if (checking) return;
    const forward = how === "next" || target >= REVIEW;
    const leaving = (key: string) => target >= REVIEW || stepOf(key) === step;
    const waits: Promise<unknown>[] = [];
    if (forward) {
      for (const [key, zip] of zipFields(form!)) if (leaving(key) && !(zip in lookupsRef.current.zips)) waits.push(lookUpZip(zip));
      if (auto)
        form!.vehicles.forEach((v, i) => {
          const vin = v.vin.trim().toUpperCase();
          if (leaving(`vehicles.${i}.vin`) && vin && !vinProblem(vin) && !(vin in lookupsRef.current.vins)) waits.push(checkVin(vin));
        });
      if (price.kind === "pricing") waits.push(live.settled());
    }
    if (waits.length === 0) {
      decide(target, how);
      return;
    }
    setChecking(true);
    const timeout = new Promise((resolve) => setTimeout(resolve, CHECK_TIMEOUT_MS));
    void Promise.race([Promise.all(waits), timeout]).then(async () => {
      // A look-up's answer may have changed the form's input: wait for its pricing too.
      await Promise.race([live.settled(), timeout]);
      setChecking(false);
      decide(target, how);
    });
  }

  function next(event: FormEvent) {
    event.preventDefault();
    attempt(Math.min(step + 1, REVIEW), "next");
  }

  /** Shows a field: its step, then the field itself with the focus. */
  function goToField(key: string) {
    const target = stepOf(key);
    if (target !== step) {
      setNav((n) => ({ step: target, visited: [...new Set([...n.visited, n.step])].sort() }));
      touched.current = true;
    }
    setFocusNext({ key });
  }

  async function decodeVin(i: number) {
    const vin = form!.vehicles[i].vin.trim();
    if (!vin) return;
    try {
      const info = await api.decodeVin(vin);
      record((l) => ({ ...l, vins: { ...l.vins, [info.vin.toUpperCase()]: null } }));
      update((f) => {
        const v = f.vehicles[i];
        const year = v.year.trim() && info.model_years.includes(Number(v.year)) ? v.year : String(info.model_years[0] ?? "");
        return { ...f, vehicles: at(f.vehicles, i, { ...v, vin: info.vin, year, make: v.make.trim() || info.manufacturer || "" }) };
      });
      setVinNotes((n) => ({
        ...n,
        [i]: `Decoded: ${info.manufacturer ?? "maker not in the table"}, model year ${info.model_years.join(" or ")}`,
      }));
    } catch (e) {
      setVinNotes((n) => ({ ...n, [i]: "" }));
      record((l) => ({ ...l, vins: { ...l.vins, [vin.toUpperCase()]: fieldMessage(e as CommandError) } }));
      setLeft((l) => new Set(l).add(`vehicles.${i}.vin`));
    }
  }

  /** A field was left: its problems show, an amount or phone is tidied, a ZIP is looked up. */
  function onFieldBlur(event: FocusEvent<HTMLFormElement>) {
    const input: EventTarget = event.target;
    if (!(input instanceof HTMLInputElement) || !input.name) return;
    const key = input.name;
    setLeft((l) => (l.has(key) ? l : new Set(l).add(key)));
    const value = input.value;
    if (key === "phone" && formatPhone(value) !== value) set("phone", formatPhone(value));
    const amount = AMOUNTS.exec(key);
    if (amount && formatAmount(value) !== value) {
      const field = amount[2] ?? amount[3];
      if (key.startsWith("vehicles.")) {
        const i = Number(key.split(".")[1]);
        update((f) => ({ ...f, vehicles: at(f.vehicles, i, { ...f.vehicles[i], [field]: formatAmount(value) }) }));
      } else update((f) => ({ ...f, dwelling: { ...f.dwelling, [field]: formatAmount(value) } }));
    }
    if (/^(vehicles\.\d+\.garagingZip|dwelling\.zip)$/.test(key)) void lookUpZip(value.trim());
  }

  /** A field taken up again: its own problem waits until it is left (its step's, once visited, stays). */
  function onFieldFocus(event: FocusEvent<HTMLFormElement>) {
    const input: EventTarget = event.target;
    if (!(input instanceof HTMLInputElement) || !input.name) return;
    const key = input.name;
    setLeft((l) => {
      if (!l.has(key)) return l;
      const rest = new Set(l);
      rest.delete(key);
      return rest;
    });
  }

  async function save() {
    setNav((n) => ({ ...n, visited: [0, 1, 2, 3] }));
    if (!converted.input || Object.keys(problems).length > 0) return;
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

  /** Discards the draft: no more saving, the draft deleted, back to where the agent came from. */
  async function discardDraft() {
    const id = await draft.finish();
    if (id === null) return;
    try {
      await api.discardDraft(id);
      touched.current = false;
      onClose();
    } catch (e) {
      setDiscardError(e as CommandError);
      draft.unfinish();
    }
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

  // Why there is no premium: the engine's first field error, or (once the
  // agent has been there) the form's first problem.
  const shownProblems = Object.fromEntries(Object.entries(problems).filter(([k]) => showing(k)));
  const reasonKey =
    price.kind === "failed"
      ? firstProblem(Object.keys(engineProblems).length > 0 ? engineProblems : shownProblems)
      : price.kind === "incomplete"
        ? firstProblem(shownProblems)
        : null;
  const reason =
    reasonKey !== null && problems[reasonKey]
      ? problemSentence(reasonKey, problems[reasonKey], names)
      : price.kind === "failed"
        ? describeError(price.error).sentence
        : null;

  const allProblems = Object.entries(problems).filter(([k]) => k !== "coverages" || !packOptions);
  const here = problemsOn(problems, step).filter((k) => showing(k));

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
      <div className="wizard-layout">
        <aside className="wizard-summary" id="wizard-summary" aria-label="Quote summary">
          <p className="live-premium" aria-live="polite">
            <span className="summary-label">Premium</span>{" "}
            <output id="live-premium" data-state={price.kind} data-seq={price.seq}>
              {price$}
            </output>
            {price.kind === "priced" && (
              <span className={`decision decision-${price.rating.decision}`} id="summary-decision" data-decision={price.rating.decision}>
                {DECISION_WORDS[price.rating.decision] ?? price.rating.decision}
              </span>
            )}
          </p>
          {reason && (
            <p id="price-reason" data-field={reasonKey ?? undefined}>
              {reason}.{" "}
              {reasonKey !== null && problems[reasonKey] && (
                <button type="button" className="link" id="price-reason-go" onClick={() => goToField(reasonKey)}>
                  Go to the field
                </button>
              )}
            </p>
          )}
          <dl className="summary-facts">
            <div>
              <dt>Insured</dt>
              <dd>{form.name.trim() || "Not entered"}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>{/^[A-Z]{2}$/.test(state) ? stateName(state) : "Not entered"}</dd>
            </div>
            <div>
              <dt>Product</dt>
              <dd>{auto ? "Personal auto" : "Homeowners (HO-3)"}</dd>
            </div>
            <div>
              <dt>Effective</dt>
              <dd>{isDate(effectiveDate) ? effectiveDate : "Not entered"}</dd>
            </div>
            {auto ? (
              <>
                <div>
                  <dt>Drivers</dt>
                  <dd>{form.drivers.length}</dd>
                </div>
                <div>
                  <dt>Vehicles</dt>
                  <dd>{form.vehicles.length}</dd>
                </div>
              </>
            ) : (
              <div>
                <dt>Coverage A</dt>
                <dd>
                  {/^\d+(\.\d{1,2})?$/.test(normalizeAmount(form.dwelling.coverageA))
                    ? formatMoney(normalizeAmount(form.dwelling.coverageA))
                    : "Not entered"}
                </dd>
              </div>
            )}
          </dl>
        </aside>
        <div className="wizard-main">
          <ol className="steps" aria-label="Steps">
            {steps.map((name, i) => (
              <li key={name}>
                <button
                  type="button"
                  className="step-button"
                  id={`step-${i + 1}`}
                  aria-current={i === step ? "step" : undefined}
                  data-problems={flagged(nav, problems, i) ? problemsOn(problems, i).length : undefined}
                  onClick={() => attempt(i, "jump")}
                >
                  {i + 1}. {name}
                </button>
              </li>
            ))}
          </ol>
          <form
            onSubmit={next}
            onBlur={onFieldBlur}
            onFocus={onFieldFocus}
            aria-label={steps[step]}
            id="wizard-step"
            tabIndex={-1}
            noValidate
            aria-busy={checking || undefined}
          >
            {step < REVIEW && here.length > 0 && nav.visited.includes(step) && (
              <div className="error" id="step-problems">
                <p>Correct {here.length === 1 ? "this problem" : `these ${here.length} problems`} to go on:</p>
                <ul>
                  {here.map((key) => (
                    <li key={key} data-path={key}>
                      <button type="button" className="link" onClick={() => goToField(key)}>
                        {problemSentence(key, problems[key], names)}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {step === 0 && (
              <CustomerStep
                form={form}
                update={update}
                set={set}
                problemAt={problemAt}
                canChangeProduct={!quoteId}
                zipInfo={(() => {
                  const found = lookups.zips[form.zip.trim()];
                  return found && "state" in found ? found : null;
                })()}
                onZipChange={(v) => set("zip", v)}
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
            {step === REVIEW && (
              <ReviewStep
                form={form}
                steps={steps}
                allProblems={allProblems}
                price={price}
                rating={shownRating}
                saveError={saving.error}
                onGo={goToField}
              />
            )}
            {discardError && (
              <ErrorBox id="discard-error" error={discardError}>
                The draft was not discarded.
              </ErrorBox>
            )}
            <div className="wizard-actions">
              <button type="button" className="secondary" id="wizard-back" disabled={step === 0} onClick={() => attempt(step - 1, "jump")}>
                Back
              </button>
              {step < REVIEW ? (
                <button type="submit" id="wizard-next" aria-disabled={checking || undefined}>
                  Next: {steps[step + 1]}
                </button>
              ) : (
                <button
                  type="button"
                  id="save-quote"
                  disabled={saving.busy || !converted.input || allProblems.length > 0 || price.kind !== "priced" || price.rating.draft}
                  onClick={save}
                >
                  {endorsing ? "Review the endorsement" : saving.busy ? "Saving..." : quoteId ? "Save as a new version" : "Save quote"}
                </button>
              )}
              <button type="button" className="secondary" id="wizard-close" onClick={closeWizard}>
                {endorsing ? "Back to the policy" : "Save draft and close"}
              </button>
              {!endorsing && draftId !== null && (
                <span id="discard-draft">
                  <ConfirmButton
                    label="Discard draft"
                    confirm="Discard"
                    confirmName="Discard this draft"
                    question="Discard this unfinished quote? It cannot be brought back."
                    onConfirm={() => void discardDraft()}
                  />
                </span>
              )}
            </div>
          </form>
        </div>
      </div>
    </section>
  );
}
