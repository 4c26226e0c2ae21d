// Generated from the Rust types in crates/desktop-api by the test
// `bindings_are_current`; do not edit. To regenerate:
//   UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop-api bindings_are_current

/**
 * The one error shape every command returns. Switch on `code`, never on `message`.
 */
export type CommandError = { code: string, message: string, 
/**
 * The sync server's own code (`auth.invalid_credentials`, ...) when a
 * sync request was refused; `code` stays the workstation's.
 */
serverCode?: string, 
/**
 * For `input.invalid` on a quote: each problem with its field path
 * (`quote.drivers[0].license_date`), so the UI can show it beside its field.
 */
fields?: Array<FieldError>, };

/**
 * One field's problem.
 */
export type FieldError = { path: string, message: string, };

/**
 * One line of a coverage's worksheet.
 */
export type WorksheetLine = { step: string, operation: string, table: string | null, key: string | null, label: string | null, 
/**
 * Decimal as a string: money never becomes a JavaScript float.
 */
value: string, subtotal: string, note: string | null, };

export type CoverageView = { code: string, name: string, 
/**
 * The vehicle (index into the quote's vehicles) of a per-vehicle coverage.
 */
vehicle: number | null, 
/**
 * The driver that vehicle is rated with (index into the quote's drivers).
 */
driver: number | null, limit: string | null, deductible: string | null, 
/**
 * The limit, or else the deductible, for one-column tables.
 */
option: string | null, premium: string, worksheet: Array<WorksheetLine>, };

export type FeeView = { name: string, amount: string, };

/**
 * A rated quote as the UI shows it. Money travels as decimal strings so the
 * UI never holds a premium in a JavaScript float.
 */
export type QuoteView = { quoteId: number, packId: string, 
/**
 * The term premium, a decimal string.
 */
premium: string, coverages: Array<CoverageView>, fees: Array<FeeView>, assumptions: string[], decision: "accept" | "refer" | "decline", reasons: Array<string>, };

/**
 * This device's enrollment with a sync server. The device token never reaches the UI.
 */
export type EnrollmentView = { serverUrl: string, username: string, role: "agent" | "underwriter" | "admin" | "auditor", deviceId: string, deviceName: string, 
/**
 * The quote numbers this device hands out, in words: its own series
 * (`QUOT-2026-00042-NNNNN`), or a first-scheme block.
 */
quoteNumbers: string, 
/**
 * The number the next new quote gets, or `None` when a block is used up.
 */
nextQuoteNumber: string | null, enrolledAt: string, tokenExpiresAt: string, 
/**
 * The insurer's legal name (else the organisation's name), once a sync brought it.
 */
organisation: string | null, };

/**
 * Whether this device is enrolled with a sync server. The device token
 * never leaves the workstation crate, so it cannot appear here.
 */
export type EnrollmentStatus = { "state": "notEnrolled" } | { "state": "enrolled" } & EnrollmentView;

/**
 * What one "Sync now" (push, then pull) did.
 */
export type SyncResult = { 
/**
 * Outbox operations the server answered for.
 */
delivered: number, accepted: number, duplicate: number, rejected: number, conflict: number, policiesIssued: Array<string>, changesPulled: number, changesApplied: number, changesNotApplied: number, packsInstalled: Array<string>, 
/**
 * Quotes made after this laptop was restored from a backup whose number
 * the server already held: each got a new one (print its proposal again).
 */
renumbered: Array<RenumberedQuote>, 
/**
 * The sync server had been restored from a backup; this laptop carried
 * on and sent again what the server had lost.
 */
serverRestored: boolean, };

/**
 * A quote renumbered by a sync.
 */
export type RenumberedQuote = { was: string, now: string, };

/**
 * Something sync could not do, for the agent to read and dismiss.
 */
export type SyncIssue = { id: number, source: "push" | "pull", kind: string, subject: string | null, outcome: "rejected" | "conflict" | "not_applied", code: string | null, reason: string, currentVersion: number | null, receivedAt: string, 
/**
 * The quote on this device it is about, to open it from the issue.
 */
quoteId: number | null, };

/**
 * What one background sync did, sent to the window as the event
 * [`BACKGROUND_SYNC_EVENT`] after each attempt.
 */
export type BackgroundSyncEvent = { "outcome": "synced", result: SyncResult, } | { "outcome": "unreachable", retryInSeconds: number, } | { "outcome": "failed", error: CommandError, retryInSeconds: number, };

/**
 * What the global search found, each group best first and short.
 */
export type SearchResults = { 
/**
 * People whose name matches every word typed (each word a name's prefix).
 */
customers: Array<CustomerHit>, 
/**
 * Quotes by number, or by the customer's name.
 */
quotes: Array<QuoteSummary>, 
/**
 * Policies by number.
 */
policies: Array<PolicyHit>, 
/**
 * Vehicles whose VIN starts or ends with what was typed (six characters or more).
 */
vehicles: Array<VehicleHit>, };

/**
 * One account in the search results.
 */
export type CustomerHit = { 
/**
 * The account's newest customer row: open the account with it.
 */
customer_id: number, name: string, city: string, state: string, quotes: number, policies: number, 
/**
 * The products the person has a quote or policy for.
 */
products: Array<Product>, };

/**
 * A policy in the search results.
 */
export type PolicyHit = { policy_number: string, customer_name: string | null, customer_id: number | null, status: string, effective_date: string, };

/**
 * A vehicle in the search results, with the quote that lists it.
 */
export type VehicleHit = { vin: string, year: number, make: string, model: string, quote_id: number, quote_number: string, customer_name: string, };

/**
 * A person's account: who they are, everything they have with us, what
 * the agent noted and what happened.
 */
export type CustomerRecord = { 
/**
 * The row the account was opened from.
 */
customer_id: number, quotes: Array<QuoteSummary>, policies: Array<PolicySummary>, notes: Array<CustomerNote>, 
/**
 * What happened to the account's quotes and policies, newest first (at most 50).
 */
activity: Array<AuditEvent>, 
/**
 * The product the person could add for a multi-policy discount: home
 * when they only have auto, auto when they only have home.
 */
opportunity: Product | null, name: string, street: string, city: string, state: string, zip: string, date_of_birth: string | null, email: string | null, phone: string | null, };

/**
 * A note the agent kept on a customer.
 */
export type CustomerNote = { id: number, body: string, author: string | null, created_at: string, };

/**
 * A local audit event.
 */
export type AuditEvent = { id: number, at: string, action: string, subject: string, details: unknown, };

/**
 * What a notification is about.
 */
export type NotificationKind = "policy_issued" | "policy_changed" | "referral_approved" | "referral_declined" | "pack_installed" | "draft_approved" | "draft_rejected" | "change_refused";

/**
 * One notification.
 */
export type Notification = { id: number, kind: NotificationKind, 
/**
 * A quote number, a policy number or a pack id.
 */
subject: string, 
/**
 * The quote to open, when it is one of this device's.
 */
quote_id: number | null, 
/**
 * The underwriter's note on a referral or a rate draft.
 */
note: string | null, created_at: string, read: boolean, };

/**
 * The notifications and where sync stands, for the top bar and the sidebar.
 */
export type Notifications = { 
/**
 * Newest first, at most [`NOTIFICATIONS_SHOWN`].
 */
items: Array<Notification>, unread: number, 
/**
 * Unread notifications about quotes (referral decisions, policies issued).
 */
unread_quotes: number, 
/**
 * Sync issues the user has not dismissed.
 */
open_sync_issues: number, 
/**
 * When a sync last ran to the end.
 */
last_synced_at: string | null, 
/**
 * The error code of the newest sync, when it failed after the last success.
 */
last_sync_error: string | null, };

/**
 * The products the engine rates.
 */
export type Product = "personal-auto" | "homeowners-ho3";

/**
 * A quote as entered.
 */
export type Quote = { product: Product, 
/**
 * Two-letter state code of the risk.
 */
state: string, effective_date: string, term_months: number, 
/**
 * A renewal of an existing policy (rated on the renewal pack) rather than new business.
 */
renewal: boolean, applicant: Applicant, drivers: Array<Driver>, vehicles: Array<Vehicle>, dwelling: Dwelling | null, coverages: Array<CoverageChoice>, 
/**
 * Losses in the past five years (homeowners, and auto comprehensive).
 */
prior_claims: Array<Claim>, 
/**
 * Credit-based insurance score tier; only where the state allows it.
 */
credit_tier: string | null, 
/**
 * Installment plan code from the pack.
 */
installment_plan: string, 
/**
 * The insured's cover before this policy (personal auto), when known.
 * Left out when absent.
 */
prior_insurance?: PriorInsurance, 
/**
 * A renewal: the day the policy was first written with this insurer
 * (its tenure runs from it). Left out when absent.
 */
inception_date?: string, 
/**
 * How the premium is paid. Left out when not said.
 */
payment_method?: PaymentMethod, 
/**
 * Coverage decisions the insured signed: rejections of coverages the
 * state includes unless rejected in writing, answers to the offers it
 * requires, lower uninsured motorist limits. Left out when empty.
 */
elections?: Array<Election>, };

export type Applicant = { name: string, address: Address, };

export type Address = { street: string, city: string, state: string, zip: string, };

export type Driver = { name: string, date_of_birth: string, 
/**
 * Date first licensed.
 */
license_date: string, violations: Array<Violation>, accidents: Array<Accident>, good_student: boolean, defensive_driving: boolean, 
/**
 * The day the driver completed the course (a course discount lasts a
 * number of years from it). Left out when absent.
 */
course_date?: string, 
/**
 * Excluded by name from the policy's cover (a named-driver exclusion,
 * signed by the insured): listed, never rated, never a principal driver.
 * Left out when false, so quotes without exclusions read as before.
 */
excluded?: boolean, };

/**
 * Moving violations, as a points schedule names them.
 */
export type ViolationKind = "speeding" | "running-red-light" | "failure-to-yield" | "reckless-driving" | "dui" | "suspended-license" | "other-moving";

export type Violation = { date: string, kind: ViolationKind, };

export type Accident = { date: string, at_fault: boolean, bodily_injury: boolean, };

export type VehicleUse = "pleasure" | "commute" | "business";

export type Vehicle = { 
/**
 * Optional at quote time (a quote may rate on year alone); checked when given.
 */
vin: string | null, year: number, make: string | null, model: string | null, use: VehicleUse, annual_miles: number, garaging_zip: string, anti_theft: boolean, 
/**
 * Index into `drivers` of the vehicle's principal operator, whose record rates it.
 */
principal_driver: number, 
/**
 * The manufacturer's suggested retail price when new, in dollars: it
 * gives the price symbol physical damage is rated by. Left out when
 * not known.
 */
cost_new?: string, };

export type Construction = "frame" | "masonry" | "masonry-veneer" | "fire-resistive";

export type RoofType = "asphalt-shingle" | "metal" | "tile" | "slate" | "wood-shake" | "flat";

export type Dwelling = { year_built: number, construction: Construction, protection_class: number, roof_age: number, roof_type: RoofType, square_feet: number, 
/**
 * Coverage A limit in dollars.
 */
coverage_a: string, 
/**
 * Where the dwelling is, when that is not the applicant's mailing
 * address: it is rated here, and must be in the quoted state (the
 * mailing address then may be anywhere). Left out when absent.
 */
address?: Address, 
/**
 * Windstorm loss-reduction features, as a wind mitigation inspection
 * records them (Florida's form OIR-B1-1802). Left out when the home was
 * not inspected: it then rates as unknown on every feature.
 */
wind_mitigation?: WindMitigation, 
/**
 * Wildfire mitigation of the property and its community (10 CCR
 * 2644.9). Left out when none is recorded.
 */
wildfire_mitigation?: WildfireMitigation, };

/**
 * A coverage the agent selected.
 */
export type CoverageChoice = { code: string, limit: string | null, deductible: string | null, 
/**
 * For per-vehicle coverages: the vehicles (indexes) it covers; all when absent.
 */
vehicles: number[] | null, };

export type Claim = { date: string, 
/**
 * Cause of loss, for example `water`, `wind`, `theft`, `liability`.
 */
cause: string, };

/**
 * One coverage decision the insured signed.
 */
export type Election = { 
/**
 * The coverage code, as the pack names it (`PIP`, `UM`, `EARTHQUAKE`).
 */
coverage: string, decision: ElectionDecision, 
/**
 * The signed form's id and edition, as the carrier files it.
 */
form: string, signed_on: string, 
/**
 * Who signed: the named insured, or someone they authorised.
 */
signed_by: string, };

/**
 * What the insured decided.
 */
export type ElectionDecision = "rejected" | "accepted" | "lower-limits";

/**
 * What a wind mitigation inspection found.
 */
export type WindMitigation = { roof_shape: RoofShape, roof_deck: RoofDeck, roof_to_wall: RoofToWall, opening_protection: OpeningProtection, 
/**
 * A secondary water barrier under the roof covering.
 */
secondary_water_resistance: boolean, };

/**
 * Roof geometry (OIR-B1-1802 question 4).
 */
export type RoofShape = "hip" | "flat" | "other";

/**
 * Roof-deck attachment (OIR-B1-1802 question 3), weakest to strongest.
 */
export type RoofDeck = "a" | "b" | "c" | "d";

/**
 * Roof-to-wall attachment (OIR-B1-1802 question 5), weakest to strongest.
 */
export type RoofToWall = "toe-nails" | "clips" | "single-wraps" | "double-wraps";

/**
 * Opening protection of every glazed opening (OIR-B1-1802 question 7).
 */
export type OpeningProtection = "none" | "basic" | "hurricane";

/**
 * Wildfire mitigation recorded for a home.
 */
export type WildfireMitigation = { 
/**
 * The home's community designation, if any.
 */
community: WildfireCommunity | null, 
/**
 * The property-level measures in place, each once.
 */
measures: Array<WildfireMeasure>, };

/**
 * A community wildfire designation 10 CCR 2644.9 names.
 */
export type WildfireCommunity = "firewise-usa" | "fire-risk-reduction-community";

/**
 * A property-level wildfire mitigation measure 10 CCR 2644.9 names.
 */
export type WildfireMeasure = "class-a-roof" | "ember-resistant-zone" | "noncombustible-clearance" | "ember-resistant-vents" | "enclosed-eaves" | "upgraded-windows" | "defensible-space";

/**
 * The insured's cover before this policy.
 */
export type PriorInsurance = { 
/**
 * The insurer, as the declarations page names it.
 */
carrier: string, 
/**
 * Months of continuous cover up to the end of the prior policy.
 */
months: number, 
/**
 * Days without cover between the prior policy's end and this policy's
 * effective date (0 when it ends the day this one starts).
 */
lapse_days: number, };

/**
 * How the premium is paid.
 */
export type PaymentMethod = "eft" | "card" | "check";

/**
 * A quote as the agent enters it: the rating input (whose applicant is the
 * customer) and the personal details the engine does not rate on.
 */
export type QuoteInput = { quote: Quote, contact: Contact, 
/**
 * Each driver's licence, by position in `quote.drivers`; may be shorter
 * than the driver list while the agent is still collecting them.
 */
licenses: Array<DriverLicense | null>, };

/**
 * How to reach the customer. All optional at quote time.
 */
export type Contact = { date_of_birth: string | null, email: string | null, phone: string | null, };

/**
 * A driver's licence: PII, shown masked to its last four characters.
 */
export type DriverLicense = { number: string, 
/**
 * Two-letter state that issued it.
 */
state: string, };

/**
 * Where a quote is in its life.
 */
export type QuoteStatus = "draft" | "rated" | "referred" | "approved" | "declined" | "bind_requested" | "bound" | "bind_rejected" | "expired";

/**
 * A quote as lists show it.
 */
export type QuoteSummary = { id: number, quote_number: string, customer_id: number, customer_name: string, product: Product, state: string, effective_date: string, status: QuoteStatus, version: number, 
/**
 * The latest rating's total, once rated.
 */
premium: string | null, rated_on: string | null, 
/**
 * The first day the quote is expired, once rated.
 */
expires_on: string | null, created_at: string, updated_at: string, };

/**
 * Where a page of a list ends; pass it back to get the next page.
 */
export type QuoteCursor = { updated_at: string, id: number, };

/**
 * Which quotes to list, most recently changed first.
 */
export type QuoteFilter = { 
/**
 * A quote number (or its beginning, `QUOT-2026-0001`), or words that
 * begin the customer's names (`ann smi`).
 */
text: string | null, status: QuoteStatus | null, 
/**
 * Started on or after / on or before (UTC dates).
 */
created_from: string | null, created_to: string | null, 
/**
 * Effective on or after / on or before.
 */
effective_from: string | null, effective_to: string | null, 
/**
 * Continue after this quote.
 */
after: QuoteCursor | null, 
/**
 * At most this many (1 to 500).
 */
limit: number, };

/**
 * What the store keeps of a rating besides the worksheet.
 */
export type RatingInfo = { pack_id: string, pack_digest: string, total: string, decision: string, rated_at: string, };

/**
 * One saved version of a quote.
 */
export type VersionInfo = { version: number, created_at: string, 
/**
 * The rating of this version, if it was rated.
 */
rating: RatingInfo | null, };

/**
 * A quote with its current input and every version.
 */
export type QuoteDetail = { summary: QuoteSummary, input: QuoteInput, versions: Array<VersionInfo>, };

/**
 * The wizard's form as the agent left it. It need not be a valid quote.
 */
export type QuoteDraft = { 
/**
 * The quote this draft edits (its next version), or `None` for a new quote.
 */
quote_id: number | null, product: Product, 
/**
 * The wizard step the agent was on, 1 to 5.
 */
step: number, 
/**
 * What lists show: the customer's name as typed so far.
 */
label: string, 
/**
 * The form's fields, as the UI keeps them.
 */
form: Record<string, unknown>, };

/**
 * A draft as lists show it.
 */
export type DraftSummary = { id: number, quote_id: number | null, product: Product, step: number, label: string, created_at: string, updated_at: string, };

/**
 * A draft and its form, to resume the wizard.
 */
export type DraftView = { summary: DraftSummary, draft: QuoteDraft, };

/**
 * What the pack in force offers for a state, product and date.
 */
export type QuoteOptions = { pack_id: string, state: string, product: Product, 
/**
 * Policy terms in months.
 */
terms: Array<number>, coverages: Array<CoverageOption>, installment_plans: Array<PlanOption>, 
/**
 * The coverage decisions the state requires the insured to sign.
 */
elections: Array<ElectionOption>, };

/**
 * One coverage the pack rates, with what the wizard preselects.
 */
export type CoverageOption = { code: string, name: string, 
/**
 * Rated per vehicle (auto) rather than once per policy.
 */
per_vehicle: boolean, 
/**
 * The state requires it: preselected and cannot be removed.
 */
required: boolean, limits: Array<string>, deductibles: Array<string>, recommendation: Recommendation | null, };

/**
 * A coverage decision the law requires in writing, as the wizard asks it.
 */
export type ElectionOption = { coverage: string, 
/**
 * The coverage in the insured's words.
 */
name: string, kind: ElectionKind, 
/**
 * Who writes the coverage when the pack does not (an accepted offer is
 * bought there).
 */
written_by: string | null, law: string, };

/**
 * What the law asks the insured to sign about a coverage.
 */
export type ElectionKind = "reject-in-writing" | "offer" | "lower-limits-in-writing";

/**
 * What the wizard suggests for a coverage, and why, in words an agent can
 * repeat to a customer.
 */
export type Recommendation = { 
/**
 * Select the coverage even though the state does not require it.
 */
select: boolean, limit: string | null, deductible: string | null, 
/**
 * Match the limit chosen for this coverage code (uninsured motorist
 * equal to bodily injury).
 */
same_limit_as: string | null, reason: string, };

export type PlanOption = { code: string, name: string, installments: number, };

/**
 * What a VIN says before anyone types the rest.
 */
export type VinInfo = { vin: string, 
/**
 * The maker, when the bundled manufacturer table knows the WMI.
 */
manufacturer: string | null, 
/**
 * The model years position 10 can mean, latest first.
 */
model_years: Array<number>, };

/**
 * Where a ZIP code is.
 */
export type ZipInfo = { zip: string, state: string, county: string, };

/**
 * A policy as the server last reported it.
 */
export type PolicySummary = { policy_number: string, quote_number: string | null, status: string, version: number, effective_date: string, expiration_date: string, 
/**
 * Decimal text.
 */
premium: string, };

/**
 * A pack installed on this workstation.
 */
export type PackSummary = { pack_id: string, state: string, product: Product, effective_new_business: string, effective_renewal: string, expires: string | null, 
/**
 * In force today for new business.
 */
in_force: boolean, };

/**
 * The first screen: what is in progress and what waits for the server.
 */
export type Dashboard = { recent_quotes: Array<QuoteSummary>, drafts: Array<DraftSummary>, policies: Array<PolicySummary>, 
/**
 * Outbox entries not yet delivered to the server.
 */
outbox_pending: number, 
/**
 * When the server last answered for an outbox entry.
 */
last_delivery_at: string | null, packs: Array<PackSummary>, 
/**
 * The agent's book in figures and by week.
 */
book: BookStats, };

/**
 * The book on this workstation in figures, for the agent's dashboard. All
 * of it is local, so it shows offline.
 */
export type BookStats = { 
/**
 * Unfinished drafts and quotes neither bound nor closed (draft, rated,
 * referred, approved, waiting to bind).
 */
in_progress: number, 
/**
 * Open quotes whose 30 days end within a week, soonest first (at most 8).
 */
expiring: Array<QuoteSummary>, 
/**
 * Quotes waiting for an underwriter.
 */
referrals_waiting: number, 
/**
 * Quotes bound since the first of this month (UTC).
 */
bound_this_month: number, 
/**
 * Of the quotes started in the last 90 days and rated, the percentage
 * bound (a decimal string, one place); `None` when none was rated.
 */
conversion_percent: string | null, 
/**
 * The mean premium of those quotes, to the cent (a decimal string).
 */
average_premium: string | null, 
/**
 * Quotes started and quotes bound in each of the last eight weeks
 * (Monday to Sunday), oldest first.
 */
weeks: Array<WeekStats>, };

/**
 * One week of the book.
 */
export type WeekStats = { 
/**
 * The week's Monday.
 */
starts: string, quoted: number, bound: number, };

/**
 * A full rating as the wizard's review shows it: premium by coverage with
 * each worksheet, fees, the payment schedule, the risk score with its top
 * reasons, and the underwriting decision with its reasons.
 */
export type RatingView = { packId: string, packDigest: string, 
/**
 * Rated by an unsigned draft pack: a preview that cannot be saved.
 */
draft: boolean, 
/**
 * The term premium, a decimal string.
 */
premium: string, coverages: Array<CoverageView>, 
/**
 * Personal auto: who each vehicle is rated with, and every driver's part.
 */
drivers: Array<DriverAssignmentView>, fees: Array<FeeView>, minimumPremiumAdjustment: string, installments: InstallmentsView, risk: RiskView | null, decision: "accept" | "refer" | "decline", reasons: Array<ReasonView>, 
/**
 * What the insured has yet to sign before the quote can be bound, each
 * a sentence for the agent.
 */
unsigned: Array<string>, };

export type InstallmentsView = { plan: string, name: string, totalPayable: string, payments: Array<PaymentView>, };

export type PaymentView = { number: number, due: string, amount: string, };

/**
 * An underwriting rule that fired.
 */
export type ReasonView = { code: string, action: "accept" | "refer" | "decline", message: string, subject: string, };

/**
 * The explainable risk score of the riskiest rating unit.
 */
export type RiskView = { unit: string, 
/**
 * Predicted claims per year, a decimal string.
 */
frequency: string, relativity: string, cappedRelativity: string, 
/**
 * Whether the score moved the premium (or only informs the underwriter).
 */
applied: boolean, 
/**
 * The variables that raised the score most, largest first; none when
 * nothing raised it above its reference.
 */
topReasons: Array<RiskReasonView>, };

export type RiskReasonView = { variable: string, value: string, 
/**
 * On the log scale; positive raises the predicted frequency.
 */
contribution: string, };

/**
 * One driver's part in a rating.
 */
export type DriverAssignmentView = { 
/**
 * Index into the quote's drivers.
 */
driver: number, role: "principal" | "assigned" | "occasional" | "excess" | "excluded", 
/**
 * The vehicles rated with this driver (indexes into the quote's vehicles).
 */
vehicles: Array<number>, 
/**
 * How the driver ranks, a decimal string: the driver's own factors and
 * discounts applied to the base rates of the coverages chosen on the
 * highest-rated vehicle. It orders drivers and is never charged; none
 * for an excluded driver.
 */
rank: string | null, };

/**
 * A quote just saved and rated.
 */
export type SavedQuoteView = { summary: QuoteSummary, rating: RatingView, };

/**
 * A quote with its input, its versions and, once rated, its current rating.
 */
export type QuoteDetailView = { detail: QuoteDetail, rating: RatingView | null, 
/**
 * The open draft editing this quote, if any: editing resumes it.
 */
draftId: number | null, 
/**
 * What sync reported about it (a refused bind and its reason), newest first.
 */
syncIssues: Array<SyncIssue>, };

/**
 * A document written to disk.
 */
export type SavedDocumentView = { path: string, };

/**
 * A policy: where it stands, its timeline from the server and the changes
 * prepared on this workstation.
 */
export type PolicyView = { policyNumber: string, 
/**
 * `issued` or `cancelled`, as the server last reported.
 */
status: string, 
/**
 * The newest version the server reported.
 */
policyVersion: number, 
/**
 * Decimal text: the premium with fees.
 */
premium: string, 
/**
 * The policy as a new change starts from it: the server's version with
 * the changes waiting to sync on top. `None` until sync brings the
 * server's latest version.
 */
working: Policy | null, 
/**
 * The rating input in force, for an endorsement to start from.
 */
input: QuoteInput | null, timeline: Array<PolicyEventView>, changes: Array<PolicyChangeView>, 
/**
 * When the server's detail was fetched, if ever.
 */
fetchedAt: string | null, };

/**
 * One transaction in the server's timeline, with its audit entry.
 */
export type PolicyEventView = { version: number, kind: string, effectiveDate: string, 
/**
 * Decimal text: charged (positive) or returned (negative).
 */
amount: string, lines: Array<PolicyWorksheetLine>, recordedAt: string, by: string, 
/**
 * The audit log entry that records it.
 */
logIndex: number | null, };

/**
 * A change prepared on this workstation and what the server said.
 */
export type PolicyChangeView = { id: number, baseVersion: number, kind: string, effectiveDate: string, amount: string, description: string, worksheet: PolicyWorksheet, preparedAt: string, 
/**
 * `accepted`, `rejected` or `conflict`; `None` while it waits to sync.
 */
outcome: string | null, };

/**
 * A change worked out for review, not yet queued.
 */
export type PolicyChangePreviewView = { baseVersion: number, before: Policy, after: Policy, worksheet: PolicyWorksheet, description: string, 
/**
 * The rating of an endorsement or a renewal offer.
 */
rating: RatingView | null, };

/**
 * A document of a policy.
 */
export type PolicyDocument = "declarations" | "id_cards" | "notice";

/**
 * A change to a policy, as the agent or underwriter asks for it.
 */
export type PolicyChangeRequest = { "kind": "endorse", effective: string, description: string, input: QuoteInput, } | { "kind": "cancel", effective: string, reason: CancelReason, } | { "kind": "reinstate" } | { "kind": "offer_renewal" } | { "kind": "renew" } | { "kind": "non_renew", reason: NonRenewalReason, };

/**
 * A policy as of its latest version.
 */
export type Policy = { policy_number: string, state: string, product: string, 
/**
 * 1 when bound; each transaction adds one. A change based on an older
 * version is a conflict.
 */
version: number, status: PolicyStatus, term: Term, 
/**
 * The premium of the coverage now in force, for a whole term.
 */
term_premium: string, 
/**
 * The premium charged for this term so far, net of returns.
 */
written_premium: string, charges: Array<Charge>, 
/**
 * The latest effective date of any transaction this term.
 */
last_effective: string, cancellation: Cancellation | null, non_renewal: NonRenewal | null, renewal_offer: RenewalOffer | null, 
/**
 * How many times the policy has renewed.
 */
renewals: number, 
/**
 * How premium is returned when the insured cancels, as the rate pack
 * that priced the policy files it; what it leaves out is the state's
 * default ([`ProductRules::insured_cancellation`]). Left out when
 * nothing is filed, so older policies read as before.
 */
refunds?: Refunds, };

/**
 * Where a policy is.
 */
export type PolicyStatus = "in_force" | "cancelled";

/**
 * How a transaction's money was worked out.
 */
export type PolicyWorksheet = { kind: TransactionKind, 
/**
 * The policy version the transaction produced.
 */
version: number, effective: string, lines: Array<PolicyWorksheetLine>, 
/**
 * Charged (positive) or returned (negative) by this transaction.
 */
amount: string, };

/**
 * One figure of a transaction's worksheet.
 */
export type PolicyWorksheetLine = { label: string, value: string, };

/**
 * What a transaction is, for timelines and documents.
 */
export type TransactionKind = "bind" | "migrated" | "endorse" | "cancel" | "reinstate" | "offer_renewal" | "renew" | "non_renew";

/**
 * A policy term: `start` included, `end` excluded.
 */
export type Term = { start: string, end: string, };

/**
 * A premium charge (or return, when negative) for a window running from
 * `from` to the end of the term.
 */
export type Charge = { from: string, amount: string, };

export type Cancellation = { effective: string, reason: CancelReason, method: CancelMethod, 
/**
 * The premium returned.
 */
returned: string, 
/**
 * The pro-rata return less what was returned (zero unless short rate).
 */
penalty: string, 
/**
 * The day it was processed; for an insurer's cancellation, the day the
 * notice is mailed.
 */
processed_on: string, 
/**
 * The notice the insurer gave, in days (0 for the insured's request).
 */
notice_days: number, };

/**
 * How a cancellation returned premium.
 */
export type CancelMethod = "flat" | "pro_rata" | "short_rate";

export type NonRenewal = { reason: NonRenewalReason, 
/**
 * The day the notice is mailed.
 */
mailed_on: string, 
/**
 * The term's end: the day coverage stops.
 */
effective: string, notice_days: number, };

/**
 * The next term, priced on the renewal pack in force at its start.
 */
export type RenewalOffer = { term: Term, premium: string, 
/**
 * The current term's premium, for comparison.
 */
prior_premium: string, change: string, 
/**
 * The change in percent of the prior premium, to one decimal place.
 */
change_percent: string | null, pack_id: string, offered_on: string, };

/**
 * Who asked for a cancellation decides how premium is returned.
 */
export type CancelReason = "insured_request" | "insured_replaced_coverage" | "nonpayment" | "material_misrepresentation" | "license_suspended" | "substantial_change_in_risk" | "underwriting_error" | "military_service";

/**
 * What a pack files for premium returned when the insured cancels
 * (`[refunds]`); where it says nothing, the state's default applies.
 */
export type Refunds = { 
/**
 * At the insured's request.
 */
insured_request?: RefundMethod, 
/**
 * When the insured replaced the policy or sold the car or home.
 */
replaced_or_sold?: RefundMethod, };

/**
 * How premium is returned when the insured cancels, as a pack files it.
 */
export type RefundMethod = { "method": "pro-rata" } | { "method": "short-rate-table" } | { "method": "percent-of-pro-rata", percent: string, };

/**
 * Why an insurer will not renew. There is deliberately no credit reason:
 * Texas forbids credit as the sole reason to non-renew, and the others
 * restrict it.
 */
export type NonRenewalReason = "loss_history" | "driving_record" | "property_condition" | "underwriting_guidelines" | "agency_terminated";

/**
 * A referred quote in the underwriter's queue, as the server reports it.
 */
export type ReferralView = { quoteNumber: string, version: number, agent: string, packId: string, 
/**
 * The term premium, a decimal string.
 */
total: string, reasons: Array<string>, 
/**
 * The input re-rated here with the same pack: worksheet, risk reasons.
 */
rating: RatingView | null, 
/**
 * Why it could not be re-rated here (the pack is not installed, say).
 */
ratingError: string | null, 
/**
 * What the agent quoted, for the card's risk summary: the applicant,
 * drivers with their violations, vehicles or dwelling, prior claims.
 * `None` when it does not read as a quote of this engine.
 */
quote: Quote | null, 
/**
 * When the version was referred (RFC 3339), for the referral's age.
 */
referredAt: string | null, };

/**
 * What the server recorded for a referral decision.
 */
export type ReferralDecidedView = { quoteNumber: string, version: number, status: string, };

/**
 * How far a sync has got, for a progress bar. Reported after each push
 * batch and each pull page is applied.
 */
export type SyncProgress = { "phase": "push", sent: number, total: number, } | { "phase": "pull", pages: number, changes: number, };

/**
 * How the workstation was set up on its first launch.
 */
export type SetupView = { 
/**
 * `null` until the agent chooses: the first-launch screen shows.
 */
mode: "offline" | "enrolled" | null, };

/**
 * A signed-in server console session. The token stays in the workstation.
 */
export type SessionView = { serverUrl: string, username: string, role: "agent" | "underwriter" | "admin" | "auditor", expiresAt: string, 
/**
 * The organisation requires a second factor of this role and the user
 * has none: the session reaches nothing until they set one up.
 */
mustEnrollSecondFactor: boolean, };

/**
 * A new authenticator key to add to an app: as a QR code to scan, or as
 * text to type. Not in force until a code from it is confirmed.
 */
export type TotpSetupView = { 
/**
 * The key in base 32, grouped by four for typing.
 */
secret: string, 
/**
 * The `otpauth://` address as an SVG QR code.
 */
qrSvg: string, digits: number, periodSeconds: number, };

/**
 * The recovery codes, shown once: each signs in once without the app.
 */
export type RecoveryCodesView = { codes: Array<string>, };

/**
 * An identity provider people may sign in with.
 */
export type SignInProviderView = { id: string, displayName: string, };

/**
 * A value of the provider's roles claim (a group) and the role it gives.
 */
export type RoleRuleView = { value: string, role: "agent" | "underwriter" | "admin" | "auditor", };

/**
 * An OpenID Connect provider the server trusts, as the Admin screen shows
 * and edits it (a client secret is never shown, only whether one is kept).
 */
export type IdentityProviderView = { id: string, displayName: string, issuer: string, clientId: string, hasClientSecret: boolean, usernameClaim: string, rolesClaim: string, roleRules: Array<RoleRuleView>, createUsers: boolean, agency: string | null, extraScopes: Array<string>, 
/**
 * The PEM of the CA the provider's HTTPS is checked against, if not the system's.
 */
caCertificate: string | null, };

/**
 * An identity provider as the Admin screen saves it.
 */
export type IdentityProviderInput = { displayName: string, issuer: string, clientId: string, 
/**
 * A new client secret; none keeps the one kept (if any).
 */
clientSecret?: string, removeClientSecret: boolean, usernameClaim: string, rolesClaim: string, roleRules: Array<RoleRuleView>, createUsers: boolean, agency: string | null, extraScopes: Array<string>, caCertificate: string | null, };

/**
 * What a check of the identity providers found.
 */
export type ProviderCheckView = { stillActive: number, 
/**
 * The usernames whose sessions and devices ended.
 */
ended: Array<string>, unreachable: number, };

/**
 * The roles that must sign in with an authenticator app.
 */
export type SecondFactorPolicyView = { roles: Array<"agent" | "underwriter" | "admin" | "auditor">, };

/**
 * A customer found for a data-subject request.
 */
export type CustomerView = { customerId: string, name: string, 
/**
 * Street, city, state and ZIP code, as one line.
 */
address: string, quotes: Array<string>, policies: Array<string>, };

/**
 * What an erasure did.
 */
export type CustomerErasureView = { quotes: Array<string>, policies: Array<string>, };

/**
 * A data-subject request and where it stands.
 */
export type SubjectRequestView = { requestId: string, customerId: string, kind: "export" | "erasure", 
/**
 * `waiting` for desktops, `ready`, `done` (an erasure), `erased` (an
 * export whose customer was erased since).
 */
status: "waiting" | "ready" | "done" | "erased", requestedAt: string, requestedBy: string, completedAt: string | null, 
/**
 * The desktops asked, and how many answered.
 */
desktops: number, answered: number, 
/**
 * The desktops still to answer: "device (user)".
 */
waitingFor: Array<string>, };

/**
 * How long one kind of record is kept in one state.
 */
export type RetentionRuleView = { kind: "unbound_quote" | "ended_policy", 
/**
 * A two-letter state, or `*` for every state without its own rule.
 */
state: string, days: bigint, };

/**
 * What a retention run did, or would do.
 */
export type RetentionReportView = { dryRun: boolean, deletedQuotes: Array<string>, erasedCustomers: number, };

/**
 * A user as the administrator sees it.
 */
export type UserView = { userId: string, username: string, role: "agent" | "underwriter" | "admin" | "auditor", disabled: boolean, 
/**
 * The agency an agent writes for, as documents print it.
 */
agency: string | null, 
/**
 * When they last signed in with their password (RFC 3339).
 */
lastSignInAt: string | null, 
/**
 * They have an authenticator app set up.
 */
secondFactor: boolean, 
/**
 * The organization sign-in service they sign in with (no password of their own).
 */
signInService: string | null, };

/**
 * A device as the administrator sees it.
 */
export type DeviceView = { deviceId: string, username: string, name: string, 
/**
 * The device's Ed25519 public key, hex (not a secret).
 */
publicKey: string, enrolledAt: string, revokedAt: string | null, lastSeq: number, 
/**
 * When it last called the server (to five minutes).
 */
lastSeenAt: string | null, };

/**
 * An approval key an underwriter asked to register.
 */
export type PendingKeyView = { keyId: string, publicKey: string, username: string, requestedAt: string, };

/**
 * A policy change the underwriting rules referred, for the underwriter's desk.
 */
export type PolicyReferralView = { referralId: string, policyNumber: string, baseVersion: number, kind: string, agent: string, requestedAt: string, reasons: Array<string>, 
/**
 * The change as the agent described it.
 */
description: string | null, effective: string | null, };

/**
 * Failed sign-ins counted for an account, an address, or an account at an address.
 */
export type ThrottleView = { account: string | null, address: string | null, failures: number, 
/**
 * Sign-ins there wait until this time; none when they may go ahead.
 */
waitingUntil: string | null, lastFailureAt: string, };

/**
 * A pack-signing key the server trusts or trusted.
 */
export type PackKeyView = { keyId: string, publicKey: string, 
/**
 * The underwriter whose approval key it is; none for an organisation key.
 */
username: string | null, trustedAt: string, revokedAt: string | null, };

/**
 * The audit log's origin and the verifier keys the server publishes.
 */
export type AuditKeysView = { origin: string, verifierKeys: Array<string>, };

/**
 * An audit export saved in the documents folder.
 */
export type SavedExportView = { fileName: string, path: string, start: number, end: number, checkpointSize: number, consistencyFrom: number | null, };

/**
 * A saved audit export.
 */
export type ExportFileView = { fileName: string, bytes: number, };

/**
 * What verifying an export found; a failure names the first bad entry.
 */
export type AuditVerdictView = { "verdict": "verified", origin: string, start: number, end: number, checkpointSize: number, root: string, signers: Array<string>, consistentWith: number | null, } | { "verdict": "failed", reason: string, };

/**
 * One audit log entry as the auditor browses it.
 */
export type AuditEntryView = { index: number, 
/**
 * When the server recorded it (UTC, RFC 3339).
 */
serverTime: string, 
/**
 * The acting user's username, or the system actor's name.
 */
actor: string, 
/**
 * Whether `actor` is a user of the organisation (else the server or
 * its command line).
 */
isUser: boolean, role: "agent" | "underwriter" | "admin" | "auditor" | "system", deviceId: string | null, 
/**
 * The dotted action: `policy.bind`.
 */
action: string, resourceType: string, resourceId: string, 
/**
 * When the device says it happened, for actions made offline.
 */
deviceTime: string | null, requestId: string, };

/**
 * A page of the audit log, newest first.
 */
export type AuditEntryPageView = { entries: Array<AuditEntryView>, 
/**
 * Pass as `before` for the next page; null at the range's start.
 */
nextBefore: number | null, 
/**
 * The entries the dates select, `start..end`.
 */
start: number, end: number, };

/**
 * What kind of value a manifest field holds, so an editor can offer the
 * right input and the rewrite can keep the TOML type.
 */
export type FieldKind = "decimal" | "date" | "text";

/**
 * One editable value of the manifest.
 */
export type ManifestField = { 
/**
 * Stable address, e.g. `coverages.BI.steps.0.value` or `effective.renewal`.
 */
key: string, 
/**
 * What an underwriter calls it, e.g. `BI: Base rate (annual)`.
 */
label: string, 
/**
 * Which group it belongs to in the editor: `pack`, `coverage BI`, `discounts`, ...
 */
group: string, kind: FieldKind, 
/**
 * The value as written, without quotes.
 */
value: string, 
/**
 * 1-based line in `manifest.toml`.
 */
line: number, };

/**
 * A lookup table as a grid of text cells.
 */
export type TableGrid = { 
/**
 * The table's name in the manifest.
 */
name: string, 
/**
 * Its CSV file.
 */
file: string, 
/**
 * Key columns (from the manifest), in order.
 */
keys: Array<string>, header: Array<string>, 
/**
 * Data rows; row `i` is line `i + 2` of the file.
 */
rows: Array<Array<string>>, };

/**
 * A draft's changes to its base pack.
 */
export type DraftEdits = { 
/**
 * New values by manifest field key.
 */
fields: { [key in string]: string }, 
/**
 * Replacement grids by table file name.
 */
tables: { [key in string]: TableGrid }, };

/**
 * A pack opened in the rate editor.
 */
export type EditorPack = { pack_id: string, fields: Array<ManifestField>, tables: Array<TableGrid>, };

/**
 * Where a loader error points in a pack being edited.
 */
export type Problem = { 
/**
 * The file's name within the pack (`manifest.toml`, `territory.csv`).
 */
file: string | null, line: number | null, 
/**
 * For a table, the 0-based data row (line 2 is row 0).
 */
row: number | null, 
/**
 * The manifest field or the table column the loader named.
 */
field: string | null, 
/**
 * For the manifest, the key of the editable field on that line, if any.
 */
key: string | null, 
/**
 * The loader's whole message, with file and line.
 */
message: string, };

/**
 * How two packs differ.
 */
export type PackDiff = { 
/**
 * Manifest fields whose value changed, was added or was removed.
 */
fields: Array<FieldChange>, 
/**
 * Tables with changed cells, added rows or removed rows.
 */
tables: Array<TableDiff>, 
/**
 * Other manifest lines that differ (a changed step list, a new rule).
 */
manifest_lines: Array<LineChange>, 
/**
 * Files other than the manifest and its tables, added, removed or changed.
 */
other_files: Array<string>, };

export type FieldChange = { key: string, label: string, before: string | null, after: string | null, 
/**
 * Line in the draft's manifest (the base's when the field was removed).
 */
line: number, };

export type TableDiff = { name: string, file: string, cells: Array<CellChange>, added: Array<RowChange>, removed: Array<RowChange>, };

/**
 * One cell whose text changed, in a row matched on its key columns.
 */
export type CellChange = { 
/**
 * The row's key values.
 */
key: Array<string>, column: string, before: string | null, after: string | null, 
/**
 * 0-based data row in the draft.
 */
row: number, line: number, };

export type RowChange = { key: Array<string>, cells: Array<string>, 
/**
 * Line in the pack the row is in (the draft for an added row, the base
 * for a removed one).
 */
line: number, };

export type LineChange = { base_line: number | null, draft_line: number | null, before: string | null, after: string | null, };

/**
 * What the editor shows after each edit: the loader's verdict on the draft
 * and how it differs from its base.
 */
export type DraftCheck = { 
/**
 * The draft's id (`name/version@digest`) when it loads.
 */
pack_id: string | null, 
/**
 * The loader's error, placed in the grid; none when the draft loads.
 */
problem: Problem | null, diff: PackDiff, };

/**
 * A draft as stored.
 */
export type StoredRateDraft = { draft_id: string, base_pack_id: string, 
/**
 * The draft's [`DraftEdits`](uw_rating::pack::edit::DraftEdits), to resume editing.
 */
edits: DraftEdits, pack_id: string, digest: string, note: string, author: string, 
/**
 * `editing`, `submitted`, `approved` or `rejected`.
 */
status: string, impact: unknown, submitted_at: string | null, sent_at: string | null, decided_by: string | null, comment: string | null, updated_at: string, };

/**
 * A policy that one of the packs could not rate.
 */
export type ImpactFailure = { id: string, 
/**
 * `base` or `draft`.
 */
pack: string, message: string, };

/**
 * Policies and premium in one band, coverage or territory.
 */
export type ImpactGroup = { name: string, policies: number, base_premium: string, draft_premium: string, change: string, 
/**
 * The change as a percentage of the base premium, to two places; none
 * when the base premium is zero.
 */
change_pct: string | null, };

/**
 * One of the largest increases, without its worksheets.
 */
export type IncreaseSummary = { id: string, change: string, change_pct: string | null, };

/**
 * What an approver sees of the author's impact run: the whole report but
 * the worksheets of the largest increases (they run it again to see those).
 * It travels to the server as JSON in [`uw_protocol::SubmitPackDraft::impact`].
 */
export type ImpactSummary = { base_pack: string, draft_pack: string, policies: number, out_of_scope: number, 
/**
 * Cancelled or expired policies of the book, left out of the run.
 */
not_in_force: number, rated: number, failed: number, failures: Array<ImpactFailure>, increased: number, decreased: number, unchanged: number, total: ImpactGroup, bands: Array<ImpactGroup>, by_coverage: Array<ImpactGroup>, by_territory: Array<ImpactGroup>, largest_increases: Array<IncreaseSummary>, 
/**
 * The coverages the draft priced, when it changed only those; none
 * when every policy was priced with both packs in full.
 */
repriced: Array<string> | null, };

/**
 * What the screens say about this app's version.
 */
export type AppUpdate = { 
/**
 * This app's version.
 */
running: string, 
/**
 * The oldest version the server syncs with, as last heard.
 */
minimum: string | null, 
/**
 * The version the organisation recommends, as last heard.
 */
recommended: string | null, 
/**
 * Below the minimum: sync stops until the app is updated.
 */
syncRefused: boolean, 
/**
 * Below the recommended version (or the minimum).
 */
updateRecommended: boolean, 
/**
 * A newer package for this computer the server holds, if any.
 */
package: string | null, };

/**
 * Which desktop versions may sync, and the update packages the server holds.
 */
export type DesktopVersionsView = { minimum: string | null, recommended: string | null, releases: Array<DesktopReleaseView>, };

/**
 * An update package the server holds.
 */
export type DesktopReleaseView = { version: string, platform: string, size: number, };

export type IncreaseWorksheets = { id: string, base: RatingView, draft: RatingView, };

/**
 * An impact run on this workstation: the summary an author attaches to a
 * submitted draft, and the two worksheets of each of the largest increases.
 */
export type ImpactView = { summary: ImpactSummary, 
/**
 * In the order of `summary.largest_increases`.
 */
worksheets: Array<IncreaseWorksheets>, };

/**
 * How far an impact run is: policies rated (by both packs) of the book.
 */
export type ImpactProgress = { done: number, total: number, };

/**
 * Which book an impact run re-rates.
 */
export type BookChoice = { "kind": "local" } | { "kind": "server" } | { "kind": "file", fileName: string, };

/**
 * A canonical book in the Books folder.
 */
export type BookFileView = { fileName: string, bytes: number, };

/**
 * This underwriter's approval key. Making it asks the server to register
 * it; an administrator approves the request on the Admin screen.
 */
export type ApprovalKeyView = { keyId: string, publicKey: string, 
/**
 * The server has registered it (as of the last sync).
 */
registered: boolean, };

/**
 * A draft by another underwriter, awaiting this user's review.
 */
export type ReviewView = { draftId: string, packId: string, basePackId: string, author: string, submittedAt: string, note: string, 
/**
 * The author's impact run, without worksheets; none if they ran none.
 */
impact: ImpactSummary | null, 
/**
 * Why the author's impact summary could not be read, if it could not.
 */
impactProblem: string | null, 
/**
 * This user's decision, waiting for sync.
 */
decision: ReviewDecisionView | null, 
/**
 * Why the server refused this user's last decision (it is theirs to make again).
 */
refusal: string | null, };

export type ReviewDecisionView = { approve: boolean, comment: string, };
