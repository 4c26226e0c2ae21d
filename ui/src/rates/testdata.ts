// Rate-management fixtures shared by the Rates and Approvals tests.
import type { ImpactView, RatingView } from "../bindings";
import { biCoverage } from "../test/fixtures";

export const BASE = `ca-personal-auto/2026.1@${"a".repeat(64)}`;
export const DRAFT_PACK = `ca-personal-auto/2026.2@${"b".repeat(64)}`;

export function rating(packId: string, premium: string): RatingView {
  return {
    packId,
    packDigest: packId.split("@")[1],
    draft: packId === DRAFT_PACK,
    premium,
    coverages: [biCoverage(premium)],
    drivers: [{ driver: 0, role: "principal", vehicles: [0], rank: "100" }],
    fees: [],
    minimumPremiumAdjustment: "0",
    installments: { plan: "full", name: "Paid in full", totalPayable: premium, payments: [] },
    risk: null,
    decision: "accept",
    reasons: [],
    unsigned: [],
  };
}

/** An impact run: three bands, 25 territories (more than show at first), one increase with its worksheets, one failure. */
export const impactView: ImpactView = {
  summary: {
    base_pack: BASE,
    draft_pack: DRAFT_PACK,
    policies: 12,
    out_of_scope: 1,
    not_in_force: 0,
    rated: 10,
    failed: 1,
    failures: [{ id: "QUOT-2026-000009", pack: "draft", message: "no territory for 99999" }],
    increased: 6,
    decreased: 1,
    unchanged: 3,
    total: { name: "total", policies: 10, base_premium: "10000.00", draft_premium: "10450.00", change: "450.00", change_pct: "4.50" },
    bands: [
      { name: "-2% to 0%", policies: 1, base_premium: "1000.00", draft_premium: "990.00", change: "-10.00", change_pct: "-1.00" },
      { name: "no change", policies: 3, base_premium: "3000.00", draft_premium: "3000.00", change: "0.00", change_pct: "0.00" },
      { name: "+5% to +10%", policies: 6, base_premium: "6000.00", draft_premium: "6460.00", change: "460.00", change_pct: "7.67" },
    ],
    by_coverage: [{ name: "BI", policies: 10, base_premium: "4000.00", draft_premium: "4450.00", change: "450.00", change_pct: "11.25" }],
    by_territory: Array.from({ length: 25 }, (_, i) => ({
      name: `T${i + 1}`,
      policies: 1,
      base_premium: "400.00",
      draft_premium: "418.00",
      change: "18.00",
      change_pct: "4.50",
    })),
    largest_increases: [{ id: "QUOT-2026-000004", change: "120.50", change_pct: "9.80" }],
    repriced: ["BI"],
  },
  worksheets: [{ id: "QUOT-2026-000004", base: rating(BASE, "1229.50"), draft: rating(DRAFT_PACK, "1350.00") }],
};
