// What the California auto pack offers, as the wizard's tests see it: a
// required coverage, a recommended one that follows its limit, an optional one;
// and what a Florida homeowners pack offers.
import type { QuoteOptions } from "../bindings";

export const options: QuoteOptions = {
  pack_id: "ca-personal-auto/2026.1@abc",
  state: "CA",
  product: "personal-auto",
  terms: [6, 12],
  coverages: [
    {
      code: "BI",
      name: "Bodily injury",
      per_vehicle: true,
      required: true,
      limits: ["30/60", "100/300"],
      deductibles: [],
      recommendation: null,
    },
    {
      code: "UM",
      name: "Uninsured motorist",
      per_vehicle: true,
      required: false,
      limits: ["30/60", "100/300"],
      deductibles: [],
      recommendation: { select: true, limit: null, deductible: null, same_limit_as: "BI", reason: "match BI" },
    },
    { code: "COLL", name: "Collision", per_vehicle: true, required: false, limits: [], deductibles: ["250", "500"], recommendation: null },
  ],
  installment_plans: [{ code: "pay-in-full", name: "Pay in full", installments: 1 }],
  elections: [],
};

/** A Florida homeowners pack's options: the dwelling coverage alone. */
export const hoOptions: QuoteOptions = {
  ...options,
  state: "FL",
  product: "homeowners-ho3",
  coverages: [
    { code: "DWELLING", name: "Dwelling", per_vehicle: false, required: true, limits: [], deductibles: ["1000"], recommendation: null },
  ],
};
