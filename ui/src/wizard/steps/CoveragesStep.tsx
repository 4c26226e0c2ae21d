// Step 3: the coverages the rate pack offers, the term and payment, and the
// forms the insured must sign for the choices made.
import type { CommandError } from "../../api";
import type { CoverageOption, ElectionOption, QuoteOptions } from "../../bindings";
import { ErrorBox } from "../../shared/ErrorBox";
import { packName } from "../../shared/format";
import { formatDeductible, formatLimit, formatMoney } from "../../shared/language";
import { CheckField, DateField, SelectField, TextField } from "../fields";
import { ElectionForm, electionKey, electionNeeded, normalizeAmount, recommendedLimit, today, WizardForm } from "../form";

export function CoveragesStep({
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
    return <ErrorBox id="options-error" error={optionsError} />;
  }
  if (!options)
    return <p className="meta">Enter the customer's state and a valid effective date to see the coverages the rate pack offers.</p>;
  const setC = (code: string, change: Partial<WizardForm["coverages"][string]>) =>
    update((f) => ({
      ...f,
      coverages: { ...f.coverages, [code]: { ...(f.coverages[code] ?? { selected: false, limit: "", deductible: "" }), ...change } },
    }));
  const hurricaneDollars = (c: CoverageOption, deductible: string) => {
    if (!deductible.endsWith("%") || c.code !== "HURRICANE") return null;
    const a = normalizeAmount(form.dwelling.coverageA);
    if (!/^\d+$/.test(a)) return null;
    // Whole dollars of a whole-percent share: integer arithmetic, no float.
    const pct = BigInt(deductible.slice(0, -1));
    return `${deductible} of Coverage A = ${formatMoney(((BigInt(a) * pct) / 100n).toString())}`;
  };
  return (
    <>
      <fieldset>
        <legend>Coverages</legend>
        <p className="meta">Rate pack {packName(options.pack_id)}. Coverages the state requires are preselected and cannot be removed.</p>
        {options.coverages.map((c) => {
          const chosen = form.coverages[c.code] ?? { selected: false, limit: "", deductible: "" };
          const recLimit = recommendedLimit(c, form.coverages);
          const recDeductible = c.recommendation?.deductible ?? null;
          const differs =
            c.recommendation &&
            (!chosen.selected || (recLimit && recLimit !== chosen.limit) || (recDeductible && recDeductible !== chosen.deductible));
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
                  label={`${c.name} limit`}
                  value={chosen.limit}
                  disabled={!(c.required || chosen.selected)}
                  onChange={(x) => setC(c.code, { limit: x })}
                  options={c.limits.map((l) => ({ value: l, label: formatLimit(l) }))}
                  error={problemAt(`coverages.${c.code}.limit`)}
                />
              )}
              {c.deductibles.length > 0 && (
                <SelectField
                  field={`coverages.${c.code}.deductible`}
                  label={`${c.name} deductible`}
                  value={chosen.deductible}
                  disabled={!(c.required || chosen.selected)}
                  onChange={(x) => setC(c.code, { deductible: x })}
                  options={c.deductibles.map((d) => ({ value: d, label: d.endsWith("%") ? `${d} of Coverage A` : formatDeductible(d) }))}
                  error={problemAt(`coverages.${c.code}.deductible`)}
                  hint={hurricaneDollars(c, chosen.deductible) ?? undefined}
                />
              )}
              {c.recommendation && (
                <p className="recommendation" id={`recommend-${c.code}`}>
                  <strong>
                    Recommended{recLimit ? `: ${formatLimit(recLimit)}` : recDeductible ? `: ${formatDeductible(recDeductible)}` : ""}.
                  </strong>{" "}
                  {c.recommendation.reason}{" "}
                  {differs && (
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        setC(c.code, {
                          selected: true,
                          ...(recLimit ? { limit: recLimit } : {}),
                          ...(recDeductible ? { deductible: recDeductible } : {}),
                        })
                      }
                    >
                      Use the recommendation for {c.name}
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
        [key]: {
          ...(f.elections[key] ?? { signed: false, decision: "rejected", form: "", signedOn: f.effectiveDate, signedBy: f.name }),
          ...change,
        },
      },
    }));
  const question = (e: ElectionOption) => {
    switch (e.kind) {
      case "reject-in-writing":
        return {
          text: `${capitalise(e.name)} is included unless the insured rejects it in writing (${e.law}).`,
          signed: "The insured signed the rejection",
        };
      case "offer":
        return {
          text: `The insured must be offered ${e.name} cover (${e.law})${e.written_by ? `; it is written by ${e.written_by}` : ""}.`,
          signed: "The insured signed their answer to the offer",
        };
      case "lower-limits-in-writing":
        return {
          text: `Uninsured motorist limits below bodily injury's need the insured's signed selection (${e.law}).`,
          signed: "The insured signed the selection of lower limits",
        };
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
            <CheckField
              field={`elections.${key}.signed`}
              label={q.signed}
              checked={signed?.signed ?? false}
              onChange={(x) => setE(key, { signed: x })}
            />
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
                <TextField
                  field={`elections.${key}.form`}
                  label="Form and edition"
                  value={signed.form}
                  onChange={(x) => setE(key, { form: x })}
                  error={problemAt(`elections.${key}.form`)}
                />
                <DateField
                  field={`elections.${key}.signedOn`}
                  label="Signed on (YYYY-MM-DD)"
                  pickerLabel={`Choose the date the ${e.name} form was signed`}
                  max={today()}
                  value={signed.signedOn}
                  onChange={(x) => setE(key, { signedOn: x })}
                  error={problemAt(`elections.${key}.signedOn`)}
                />
                <TextField
                  field={`elections.${key}.signedBy`}
                  label="Signed by"
                  value={signed.signedBy}
                  onChange={(x) => setE(key, { signedBy: x })}
                  error={problemAt(`elections.${key}.signedBy`)}
                />
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
