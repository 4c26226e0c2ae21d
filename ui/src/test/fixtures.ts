// Values several screens' tests share: a rated coverage, the customer the
// quote forms are filled with, and a bind the server refused.
import type { CoverageView, SyncIssue, WorksheetLine } from "../bindings";

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
