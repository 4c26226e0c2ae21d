// Step 5: what stops the quote from being saved, and the rating explained.
import type { CommandError } from "../../api";
import type { RatingView } from "../../bindings";
import { ErrorBox } from "../../shared/ErrorBox";
import { RatingReview } from "../../shared/RatingReview";
import { stepOf, vehicleLabel, WizardForm } from "../form";
import { namesOf, problemSentence } from "../validate";
import type { Price } from "../useLivePrice";

export function ReviewStep({
  form,
  steps,
  allProblems,
  price,
  rating,
  saveError,
  onGo,
}: {
  form: WizardForm;
  steps: readonly string[];
  /** Each field's problem: the form's own, then the engine's. */
  allProblems: [string, string][];
  price: Price;
  rating: RatingView | null;
  saveError: CommandError | null;
  /** Shows the field a problem names, on its step. */
  onGo: (key: string) => void;
}) {
  // Drivers and vehicles by what the agent typed for them, where they did.
  const names = namesOf(form);
  return (
    <div id="review">
      {allProblems.length > 0 && (
        <div className="error" role="alert" id="review-problems">
          <p>Before this quote can be saved:</p>
          <ul>
            {allProblems.map(([key, message]) => (
              <li key={key} data-path={key}>
                <button type="button" className="link" onClick={() => onGo(key)}>
                  {steps[stepOf(key)]}
                </button>
                : {problemSentence(key, message, names)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {price.kind === "failed" && allProblems.length === 0 && <ErrorBox id="price-error" error={price.error} />}
      {rating && (
        <RatingReview rating={rating} vehicleLabels={form.vehicles.map(vehicleLabel)} driverNames={form.drivers.map((d) => d.name)} />
      )}
      {saveError && (
        <ErrorBox id="save-error" error={saveError}>
          The quote was not saved.
        </ErrorBox>
      )}
    </div>
  );
}
