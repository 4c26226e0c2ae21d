// A rating explained: premium, breakdown by coverage with each worksheet,
// fees, payment schedule, the risk score with its top reasons, and the
// underwriting decision with its reasons. Used by the wizard's review and
// the quote screen.
import type { RatingView, WorksheetLine } from "../bindings";
import { packName } from "./format";
import {
  actionLabel,
  DECISION_LABEL,
  formatDeductible,
  formatLimit,
  formatMoney,
  operationLabel,
  riskReasonText,
  sentenceCase,
  subjectLabel,
  worksheetKey,
} from "./language";
import { RuleDetails } from "./Reasons";
import { num, TableHead } from "./TableHead";

/**
 * One coverage's worksheet: each step and how it applies, what keyed it (in
 * words; the engine's key stays in `data-key`), its value and the running
 * premium.
 */
export function WorksheetTable({ name, lines }: { name: string; lines: WorksheetLine[] }) {
  return (
    <table className="worksheet" aria-label={`Worksheet: ${name}`}>
      <TableHead columns={["Step", "Applied as", "Keyed by", num("Value"), num("Running premium")]} />
      <tbody>
        {lines.map((line, j) => (
          <tr key={j} data-operation={line.operation}>
            <td>{sentenceCase(line.step)}</td>
            <td>{operationLabel(line.operation)}</td>
            <td data-key={line.key ?? undefined}>{[worksheetKey(line.key), line.label].filter(Boolean).join(" · ")}</td>
            <td className="num">{line.value}</td>
            <td className="num">{line.subtotal}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * `idPrefix` namespaces the element ids where several ratings share a page
 * (an impact run's base and draft worksheets); without it the ids are the
 * wizard's and the quote screen's own.
 */
const ROLE_TEXT: Record<string, string> = {
  principal: "principal driver",
  assigned: "assigned by rating",
  occasional: "occasional driver",
  excess: "excess driver: rates no higher than the drivers who are rated",
  excluded: "excluded from cover: not rated",
};

export function RatingReview({
  rating,
  vehicleLabels,
  driverNames = [],
  idPrefix,
}: {
  rating: RatingView;
  vehicleLabels: string[];
  driverNames?: string[];
  idPrefix?: string;
}) {
  const id = (name: string) => (idPrefix ? `${idPrefix}-${name}` : name);
  const adjustment = rating.minimumPremiumAdjustment !== "0" && rating.minimumPremiumAdjustment !== "0.00";
  return (
    <section aria-label="Premium" className="rating" id={id("rating")}>
      <div className="premium-line">
        <span>Term premium</span>
        <output id={id("review-premium")}>{formatMoney(rating.premium)}</output>
        <span className={`decision decision-${rating.decision}`} id={id("review-decision")} data-decision={rating.decision}>
          {DECISION_LABEL[rating.decision]}
        </span>
      </div>
      {rating.draft && (
        <p className="warning" role="note">
          Priced with an unsigned draft pack: a preview only; it cannot be saved.
        </p>
      )}
      {rating.unsigned.length > 0 && (
        <div className="warning" role="note" id={id("review-unsigned")}>
          <p>Before this quote can be bound, the insured must sign:</p>
          <ul>
            {rating.unsigned.map((message) => (
              <li key={message}>{message}.</li>
            ))}
          </ul>
        </div>
      )}
      {rating.reasons.length > 0 && (
        <ul className="reasons" aria-label="Underwriting reasons">
          {rating.reasons.map((r) => (
            <li key={`${r.code}-${r.subject}`} data-code={r.code} data-subject={r.subject}>
              <strong>{actionLabel(r.action)}:</strong> {sentenceCase(r.message)}
              {r.subject && <span className="meta"> ({subjectLabel(r.subject, { drivers: driverNames, vehicles: vehicleLabels })})</span>}
              <RuleDetails code={r.code} />
            </li>
          ))}
        </ul>
      )}
      <table id={id("breakdown")}>
        <caption>Premium by coverage</caption>
        <TableHead columns={["Coverage", "Limit", "Deductible", num("Premium")]} />
        <tbody>
          {rating.coverages.map((c, i) => (
            <tr key={`${c.code}-${c.vehicle ?? "p"}-${i}`} data-coverage={c.code}>
              <td>
                <details>
                  <summary>
                    {c.name}
                    {c.vehicle !== null && <span className="meta"> &middot; {vehicleLabels[c.vehicle] || `Vehicle ${c.vehicle + 1}`}</span>}
                  </summary>
                  <WorksheetTable name={c.name} lines={c.worksheet} />
                </details>
              </td>
              <td>{c.limit ? formatLimit(c.limit) : ""}</td>
              <td>{c.deductible ? formatDeductible(c.deductible) : ""}</td>
              <td className="num">{formatMoney(c.premium)}</td>
            </tr>
          ))}
          {rating.fees.map((f) => (
            <tr key={f.name}>
              <td colSpan={3}>{f.name}</td>
              <td className="num">{formatMoney(f.amount)}</td>
            </tr>
          ))}
          {adjustment && (
            <tr>
              <td colSpan={3}>Minimum premium adjustment</td>
              <td className="num">{formatMoney(rating.minimumPremiumAdjustment)}</td>
            </tr>
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="num">{formatMoney(rating.premium)}</td>
          </tr>
        </tfoot>
      </table>
      <h3>Payments: {rating.installments.name}</h3>
      <table id={id("payments")}>
        <TableHead columns={["Payment", "Due", num("Amount")]} />
        <tbody>
          {rating.installments.payments.map((p) => (
            <tr key={p.number}>
              <td>{p.number}</td>
              <td>{p.due}</td>
              <td className="num">{formatMoney(p.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total payable
            </th>
            <td className="num">{formatMoney(rating.installments.totalPayable)}</td>
          </tr>
        </tfoot>
      </table>
      {rating.drivers.length > 0 && (
        <div className="driver-assignment" id={id("drivers")}>
          <h3>Who is rated on which vehicle</h3>
          <ul aria-label="Driver assignment">
            {rating.drivers.map((d) => (
              <li key={d.driver} data-role={d.role}>
                {driverNames[d.driver] || `Driver ${d.driver + 1}`}: {ROLE_TEXT[d.role] ?? d.role}
                {d.vehicles.length > 0 && <>; rated on {d.vehicles.map((v) => vehicleLabels[v] || `Vehicle ${v + 1}`).join(", ")}</>}
                {d.vehicles.length === 0 && d.role !== "excluded" && d.role !== "excess" && (
                  <>; rated on no vehicle (rates no higher than the drivers who are)</>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {rating.risk && (
        <div className="risk" id={id("risk")}>
          <h3>Risk score</h3>
          <p data-unit={rating.risk.unit}>
            Predicted claim frequency <strong>{rating.risk.frequency}</strong> a year for{" "}
            {subjectLabel(rating.risk.unit, { drivers: driverNames, vehicles: vehicleLabels })}; relativity {rating.risk.cappedRelativity}
            {rating.risk.applied ? " (applied to the premium)" : " (for the underwriter; not applied to the premium)"}.
          </p>
          {rating.risk.topReasons.length === 0 && <p className="meta">Nothing raised the score above its reference.</p>}
          <ol aria-label="Top risk reasons">
            {rating.risk.topReasons.map((r) => (
              <li key={r.variable} data-variable={r.variable}>
                {riskReasonText(r)}{" "}
                <span className="meta">
                  ({r.contribution.startsWith("-") ? "" : "+"}
                  {r.contribution} on the log scale)
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="meta rating-pack" data-pack-id={rating.packId}>
        Rates: {packName(rating.packId)}
        <details className="pack-details">
          <summary>Details</summary>
          Rate pack <code>{rating.packId.split("@")[0]}</code>, digest <code className="pack-digest">{rating.packDigest}</code>
        </details>
      </div>
    </section>
  );
}
