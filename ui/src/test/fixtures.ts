// Values several screens' tests share: a rated coverage, the customer the
// quote forms are filled with, an auto and a homeowners quote filled in, a
// saved quote's summary, a bind the server refused, an enrolled agent and a
// pack in force.
import type {
  BookStats,
  CoverageView,
  CustomerRecord,
  Dashboard,
  Notification,
  Notifications,
  PackSummary,
  Quote,
  QuoteInput,
  QuoteSummary,
  RatingView,
  ReferralView,
  SearchResults,
  SyncIssue,
  WorksheetLine,
} from "../bindings";
import { emptyForm, initialCoverages, toQuoteInput, WizardForm } from "../wizard/form";
import { options } from "../wizard/testdata";

/** Bodily injury at 15/30 on the first vehicle, for the first driver. */
export function biCoverage(premium: string, worksheet: WorksheetLine[] = []): CoverageView {
  return {
    code: "BI",
    name: "Bodily injury",
    vehicle: 0,
    driver: 0,
    limit: "15/30",
    deductible: null,
    option: "15/30",
    premium,
    worksheet,
  };
}

/** The customer's name and address, as the quote forms' tests type them. */
export const customer = {
  name: "Ana Reyes",
  street: "1 Valencia St",
  city: "San Francisco",
  state: "CA",
  zip: "94110",
};

/** The customer as the quote's one driver. */
export const driver = { name: "Ana Reyes", dateOfBirth: "1985-03-02", licenseDate: "2003-06-01" };

/** A bind request for QUOT-2026-000002 (quote 2) the server refused at its re-rating. */
export const rejectedBind: SyncIssue = {
  id: 3,
  source: "push",
  kind: "quote.bind_requested",
  subject: "QUOT-2026-000002",
  outcome: "rejected",
  code: "bind.premium_mismatch",
  reason: "the premium 1.00 does not match the server's re-rating 1180.00",
  currentVersion: null,
  receivedAt: "2026-11-24T08:00:00Z",
  quoteId: 2,
};

/**
 * An auto quote's form filled in from `effective` on: the customer, the
 * pack's preselected coverages, a 2020 Honda Accord and the customer driving.
 */
export function autoForm(effective = new Date(2026, 1, 1)): WizardForm {
  const form = emptyForm("personal-auto", effective);
  return {
    ...form,
    ...customer,
    coverages: initialCoverages(options),
    vehicles: [{ ...form.vehicles[0], vin: "1HGCV1F39LA151313", year: "2020", make: "Honda", model: "Accord" }],
    drivers: [{ ...form.drivers[0], ...driver }],
  };
}

/** A homeowners quote's form: the customer's home in Tampa, Florida, insured for its dwelling. */
export function homeForm(): WizardForm {
  const form = emptyForm("homeowners-ho3", new Date(2026, 1, 1));
  return {
    ...form,
    name: "Ana Reyes",
    street: "1 Main St",
    city: "Tampa",
    state: "FL",
    zip: "33629",
    coverages: { DWELLING: { selected: true, limit: "", deductible: "1000" } },
    dwelling: { ...form.dwelling, yearBuilt: "2001", protectionClass: "3", roofAge: "5", squareFeet: "1800", coverageA: "400000" },
  };
}

/** The quote `autoForm` sends from 1 November 2026, with the driver's license number and the car's `model`. */
export function quoteInput(model = "Accord"): QuoteInput {
  const form = autoForm(new Date(2026, 10, 1));
  const { input } = toQuoteInput(
    { ...form, vehicles: [{ ...form.vehicles[0], model }], drivers: [{ ...form.drivers[0], licenseNumber: "D1234567" }] },
    options,
  );
  if (!input) throw new Error("test input does not convert");
  return input;
}

/**
 * Ana Reyes's auto quote from 1 November 2026 as the referral desk receives
 * it: her 2020 Honda Accord, a DUI on 14 May 2025 and an at-fault accident
 * on 3 January 2024 on her record.
 */
export function referredQuote(): Quote {
  const quote = quoteInput().quote;
  return {
    ...quote,
    drivers: [
      {
        ...quote.drivers[0],
        violations: [{ date: "2025-05-14", kind: "dui" }],
        accidents: [{ date: "2024-01-03", at_fault: true, bodily_injury: false }],
      },
    ],
  };
}

/** Quote 2 waiting on the desk since `referredAt`, its quote `referredQuote`, not re-rated here. */
export function referral(referredAt: string | null = "2026-11-01T09:00:00Z"): ReferralView {
  return {
    quoteNumber: "QUOT-2026-000002",
    version: 1,
    agent: "agent",
    packId: "ca-personal-auto/2026.1@abc",
    total: "2263.5",
    reasons: ["UW-DUI"],
    rating: null,
    ratingError: "rate pack ca-personal-auto/2026.1@abc is not installed on this workstation",
    quote: referredQuote(),
    referredAt,
  };
}

/** An accepted rating of `premium` on `quoteInput`'s Accord, paid on `payments` (one: in full). */
export function acceptedRating(premium = "1180", payments: { due: string; amount: string }[] = []): RatingView {
  const plan =
    payments.length > 0
      ? { plan: "monthly", name: "Monthly", totalPayable: premium, payments: payments.map((p, i) => ({ number: i + 1, ...p })) }
      : { plan: "full", name: "Paid in full", totalPayable: premium, payments: [{ number: 1, due: "2026-11-01", amount: premium }] };
  return {
    packId: "ca-personal-auto/2026.1@abc",
    packDigest: "abc",
    draft: false,
    premium,
    coverages: [biCoverage(premium)],
    drivers: [{ driver: 0, role: "principal", vehicles: [0], rank: premium }],
    fees: [],
    minimumPremiumAdjustment: "0",
    installments: plan,
    risk: null,
    decision: "accept",
    reasons: [],
    unsigned: [],
  };
}

/** Quote 2 (QUOT-2026-000002) as the quote list has it after the server refused its bind. */
export const rejectedQuote: QuoteSummary = {
  id: 2,
  quote_number: "QUOT-2026-000002",
  customer_id: 1,
  customer_name: "Ana Reyes",
  product: "personal-auto",
  state: "CA",
  effective_date: "2026-11-01",
  status: "bind_rejected",
  version: 1,
  premium: "1180",
  rated_on: "2026-11-01",
  expires_on: "2026-12-01",
  created_at: "2026-11-01T09:00:00Z",
  updated_at: "2026-11-02T09:00:00Z",
};

/** The enrollment of agent1's laptop, its quote numbers its own. */
export const enrolledAgent = {
  state: "enrolled",
  serverUrl: "http://127.0.0.1:8787",
  username: "agent1",
  role: "agent",
  deviceId: "d-1",
  deviceName: "agent-laptop",
  quoteNumbers: "QUOT-2026-00007-NNNNN, this device's own",
  nextQuoteNumber: "QUOT-2026-00007-00004",
  enrolledAt: "2026-11-20T09:00:00Z",
  tokenExpiresAt: "2026-12-20T09:00:00Z",
};

/** The California auto pack `packId`, in force for new business and renewals since 1 January 2026, as the dashboard lists it. */
export function caAutoPack(packId: string): PackSummary {
  return {
    pack_id: packId,
    state: "CA",
    product: "personal-auto",
    effective_new_business: "2026-01-01",
    effective_renewal: "2026-01-01",
    expires: null,
    in_force: true,
  };
}

/** Maria Lopez's auto quote 4, approved by underwriting. */
export const mariasQuote: QuoteSummary = {
  ...rejectedQuote,
  id: 4,
  quote_number: "QUOT-2026-000004",
  customer_id: 7,
  customer_name: "Maria Lopez",
  status: "approved",
  premium: "1290.5",
};

/** Maria Lopez's account: an auto quote and policy, no home, a note and what happened, as the store writes them. */
export const mariasAccount: CustomerRecord = {
  customer_id: 7,
  name: "Maria Lopez",
  street: "12 Mission St",
  city: "San Francisco",
  state: "CA",
  zip: "94110",
  date_of_birth: "1980-05-14",
  email: "maria@example.com",
  phone: "415-555-0142",
  quotes: [mariasQuote],
  policies: [
    {
      policy_number: "POL-CA-2026-000003",
      quote_number: "QUOT-2026-000004",
      status: "in_force",
      version: 1,
      effective_date: "2026-11-01",
      expiration_date: "2027-11-01",
      premium: "1290.5",
    },
  ],
  notes: [{ id: 2, body: "Prefers calls after 5pm", author: "agent1", created_at: "2026-11-03T17:30:00Z" }],
  activity: [
    { id: 11, at: "2026-11-02T10:00:00Z", action: "quote.approved", subject: "QUOT-2026-000004", details: { version: 1 } },
    { id: 10, at: "2026-11-01T09:00:00Z", action: "quote.bind_requested", subject: "QUOT-2026-000004", details: { version: 1 } },
  ],
  opportunity: "homeowners-ho3",
};

/** What the store's search finds for "maria": one of each kind. */
export const mariaFound: SearchResults = {
  customers: [
    { customer_id: 7, name: "Maria Lopez", city: "San Francisco", state: "CA", quotes: 1, policies: 1, products: ["personal-auto"] },
  ],
  quotes: [mariasQuote],
  policies: [
    { policy_number: "POL-CA-2026-000003", customer_name: "Maria Lopez", customer_id: 7, status: "in_force", effective_date: "2026-11-01" },
  ],
  vehicles: [
    {
      vin: "1HGCV1F39LA151313",
      year: 2020,
      make: "Honda",
      model: "Accord",
      quote_id: 4,
      quote_number: "QUOT-2026-000004",
      customer_name: "Maria Lopez",
    },
  ],
};

/** One notification of each kind, newest first, as sync writes them. */
export function someNotifications(digest = "ab".repeat(32)): Notifications {
  const at = "2026-11-24T08:00:00Z";
  const items: Notification[] = [
    { id: 8, kind: "change_refused", subject: "quote.bind_requested", quote_id: null, note: null, created_at: at, read: false },
    {
      id: 7,
      kind: "draft_rejected",
      subject: `ca-personal-auto/2026.2@${digest}`,
      quote_id: null,
      note: "base rate too high",
      created_at: at,
      read: false,
    },
    {
      id: 6,
      kind: "draft_approved",
      subject: `ca-personal-auto/2026.3@${digest}`,
      quote_id: null,
      note: "looks right",
      created_at: at,
      read: false,
    },
    { id: 5, kind: "pack_installed", subject: `ca-personal-auto/2026.1@${digest}`, quote_id: null, note: null, created_at: at, read: true },
    { id: 4, kind: "policy_changed", subject: "POL-CA-2026-000001", quote_id: 1, note: null, created_at: at, read: true },
    { id: 3, kind: "referral_declined", subject: "QUOT-2026-000002", quote_id: 2, note: "too many losses", created_at: at, read: true },
    {
      id: 2,
      kind: "referral_approved",
      subject: "QUOT-2026-000004",
      quote_id: 4,
      note: "driving record verified",
      created_at: at,
      read: false,
    },
    { id: 1, kind: "policy_issued", subject: "POL-CA-2026-000003", quote_id: 4, note: null, created_at: at, read: false },
  ];
  return {
    items,
    unread: items.filter((n) => !n.read).length,
    unread_quotes: 2,
    open_sync_issues: 1,
    last_synced_at: "2026-11-24T08:00:00Z",
    last_sync_error: null,
  };
}

/** A book with nothing in it: no quote in progress, none bound, eight empty weeks from Monday 5 October 2026. */
export function emptyBook(): BookStats {
  return {
    in_progress: 0,
    expiring: [],
    referrals_waiting: 0,
    bound_this_month: 0,
    conversion_percent: null,
    average_premium: null,
    weeks: [5, 12, 19, 26, 2, 9, 16, 23].map((day, i) => ({
      starts: `2026-${i < 4 ? "10" : "11"}-${String(day).padStart(2, "0")}`,
      quoted: 0,
      bound: 0,
    })),
  };
}

/** The dashboard of a workstation with nothing on it yet; `changes` replaces any part. */
export function emptyDashboard(changes: Partial<Dashboard> = {}): Dashboard {
  return {
    recent_quotes: [],
    drafts: [],
    policies: [],
    outbox_pending: 0,
    last_delivery_at: null,
    packs: [],
    book: emptyBook(),
    ...changes,
  };
}
