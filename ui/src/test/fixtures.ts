// Values several screens' tests share: a rated coverage, the customer the
// quote forms are filled with, an auto and a homeowners quote filled in, a
// saved quote's summary, a bind the server refused, an enrolled agent and a
// pack in force.
import type { CoverageView, PackSummary, QuoteInput, QuoteSummary, SyncIssue, WorksheetLine } from "../bindings";
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
