// No screen shows internal language outside a Details disclosure: each main
// screen, rendered with the tests' IPC fixtures and values as the engine and
// the server write them (variable names, `vehicles[0]`, rule codes, pack
// digests, error codes, snake_case statuses), is scanned for the patterns the
// end-to-end check fails on, with every <details> element removed first.
import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { BookStats, QuoteDetailView, RatingView, ReferralView, SyncIssue, WorksheetLine } from "./bindings";
import { QuickQuote } from "./quotes/QuickQuote";
import { QuoteScreen } from "./quotes/QuoteScreen";
import { Desk } from "./desk/Desk";
import { PolicyScreen } from "./policies/PolicyScreen";
import { SyncScreen } from "./sync/SyncScreen";
import { Dashboard } from "./dashboard/Dashboard";
import { RatingReview, WorksheetTable } from "./shared/RatingReview";
import { mockCommands } from "./test/ipc";
import {
  biCoverage,
  caAutoPack,
  emptyBook,
  emptyDashboard,
  enrolledAgent,
  mariaFound,
  mariasAccount,
  quoteInput,
  rejectedBind,
  referral as queuedReferral,
  referredQuote,
  rejectedQuote,
  someNotifications,
} from "./test/fixtures";
import { CustomerScreen } from "./accounts/CustomerScreen";
import { searchItems } from "./accounts/search";
import { NotificationsBell } from "./notifications/NotificationsBell";

/** The end-to-end check's patterns of internal language. */
const INTERNAL: [string, RegExp][] = [
  ["an indexed path", /[a-z]+\[\d+\]/],
  ["a digest", /\b[0-9a-f]{64}\b/],
  ["a snake_case identifier", /[a-z]+_[a-z_]+/],
  ["a dotted code", /[a-z]+\.[a-z_]+/],
  ["an HTTP status in an error", /\b(error|status|refused|request)\b[^.]{0,40}\b[45]\d\d\b|\b[45]\d\d\b\s*\(/i],
  ["an underwriting rule code", /UW-[A-Z]+/],
];

/**
 * The text a user sees: the element's text nodes with every <details>
 * removed, each apart (as a browser's innerText keeps cells and blocks apart).
 */
function visibleText(root: HTMLElement): string {
  const copy = root.cloneNode(true) as HTMLElement;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.nodeValue ?? "");
  return parts.join(" ").replace(/\s+/g, " ");
}

/** The same, as one string the way textContent runs it together, for what a screen should say. */
function shownText(root: HTMLElement): string {
  const copy = root.cloneNode(true) as HTMLElement;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  return copy.textContent ?? "";
}

function expectNoInternalLanguage(root: HTMLElement = document.body) {
  const text = visibleText(root);
  for (const [what, pattern] of INTERNAL) {
    const m = pattern.exec(text);
    expect(m, `${what} ${m?.[0]} in: ${text}`).toBeNull();
  }
}

const DIGEST = "3f2a9c0e4b7d1a2f3e4c5b6a7d8e9f00112233445566778899aabbccddeeff00";
const PACK = `ca-personal-auto/2026.1@${DIGEST}`;

const worksheet: WorksheetLine[] = [
  { step: "Base rate (annual)", operation: "base", table: null, key: null, label: null, value: "462.00", subtotal: "462.00", note: null },
  {
    step: "Territory",
    operation: "factor",
    table: "territory",
    key: "vehicle.garaging_zip=94110",
    label: "T38 San Francisco",
    value: "1.17",
    subtotal: "540.54",
    note: null,
  },
  {
    step: "Driving record",
    operation: "factor",
    table: "driving_record",
    key: "driver.violation_points_3y=1, driver.years_licensed=20",
    label: null,
    value: "1.18",
    subtotal: "637.84",
    note: null,
  },
  { step: "risk score", operation: "risk-factor", table: null, key: null, label: null, value: "1.05", subtotal: "669.73", note: null },
  { step: "coverage rounding", operation: "round", table: null, key: null, label: null, value: "670", subtotal: "670", note: "round to 0" },
  {
    step: "Good Driver",
    operation: "discount",
    table: null,
    key: "ca_good_driver",
    label: null,
    value: "0.20",
    subtotal: "536",
    note: null,
  },
  { step: "premium floor", operation: "at-least", table: null, key: null, label: null, value: "0", subtotal: "536", note: null },
];

const rating: RatingView = {
  packId: PACK,
  packDigest: DIGEST,
  draft: false,
  premium: "1180",
  coverages: [biCoverage("1180", worksheet)],
  drivers: [{ driver: 0, role: "principal", vehicles: [0], rank: "1180" }],
  fees: [],
  minimumPremiumAdjustment: "0",
  installments: { plan: "full", name: "Paid in full", totalPayable: "1180", payments: [{ number: 1, due: "2026-11-01", amount: "1180" }] },
  risk: {
    unit: "drivers[0] with vehicles[0]",
    frequency: "0.1065",
    relativity: "1.05",
    cappedRelativity: "1.05",
    applied: true,
    topReasons: [
      { variable: "driver.violation_points_3y", value: "1", contribution: "0.18" },
      { variable: "vehicle.age", value: "16", contribution: "0.05" },
      { variable: "driver.good_student", value: "false", contribution: "0.01" },
    ],
  },
  decision: "refer",
  reasons: [{ code: "UW-DUI", action: "refer", message: "DUI conviction in the last three years", subject: "drivers[0]" }],
  unsigned: [],
};

const numberIssue: SyncIssue = {
  id: 4,
  source: "push",
  kind: "quote.rated",
  subject: "QUOT-2026-000001",
  outcome: "rejected",
  code: "quote.number_not_allocated",
  reason: "quotes made before enrollment must be re-created",
  currentVersion: null,
  receivedAt: "2026-11-24T08:00:00Z",
  quoteId: 1,
};

describe("no internal language outside a Details disclosure", () => {
  it("the pattern check finds what it should (it is not vacuous)", () => {
    const div = document.createElement("div");
    div.innerHTML = `<p>driver.violation_points_3y for vehicles[0]: UW-DUI ${DIGEST}</p><details><summary>Details</summary>rating.no_pack</details>`;
    expect(visibleText(div)).not.toContain("rating.no_pack");
    expect(() => expectNoInternalLanguage(div)).toThrow();
  });

  it("the review of a rating: reasons, risk score, pack, decision", () => {
    const { container } = render(<RatingReview rating={rating} vehicleLabels={["2020 Honda Accord"]} driverNames={["Ana Reyes"]} />);
    expectNoInternalLanguage(container);
    const text = shownText(container);
    expect(text).toContain("Referred to an underwriter");
    expect(text).toContain("DUI conviction in the last three years (Ana Reyes)");
    expect(text).toContain("Violation points (3 years): 1");
    expect(text).toContain("for Ana Reyes on 2020 Honda Accord");
    expect(text).toContain("California personal auto, 2026.1");
    // The codes and the digest are still there, under Details.
    expect(container.querySelector('li[data-code="UW-DUI"] details')?.textContent).toContain("UW-DUI");
    expect(container.querySelector(".pack-digest")?.textContent).toBe(DIGEST);
  });

  it("a worksheet, even when its disclosure is open", () => {
    const { container } = render(<WorksheetTable name="Bodily injury" lines={worksheet} />);
    expectNoInternalLanguage(container);
    const text = shownText(container);
    expect(text).toContain("Garaging ZIP code 94110");
    expect(text).toContain("Violation points (3 years) 1 and Years licensed 20");
    expect(text).toContain("Raised to at least");
    expect(text).toContain("Risk score factor");
    expect(container.querySelector('td[data-key="vehicle.garaging_zip=94110"]')).not.toBeNull();
  });

  it("the quick quote", async () => {
    mockCommands({
      rate_quote: () => ({
        quoteId: 7,
        packId: PACK,
        premium: "719",
        coverages: [biCoverage("415", worksheet)],
        fees: [],
        assumptions: ["one driver, 40 years old, licensed 20 years, no violations or accidents"],
        decision: "refer",
        reasons: ["UW-DUI: DUI conviction in the last three years", "vehicle.age: older than 20 years"],
      }),
    });
    const user = userEvent.setup();
    render(<QuickQuote hidden={false} />);
    await user.type(screen.getByLabelText("Garaging ZIP"), "94110");
    await user.type(screen.getByLabelText("Vehicle model year"), "2020");
    await user.click(screen.getByRole("button", { name: "Rate" }));
    const decision = await screen.findByText("Referred to an underwriter");
    expect(decision.id).toBe("decision");
    expect(decision.dataset.decision).toBe("refer");
    expect(document.querySelector("#quote-pack")?.getAttribute("data-pack-id")).toBe("ca-personal-auto/2026.1");
    expect(document.querySelector("#quote-pack-digest")?.textContent).toBe(DIGEST);
    expectNoInternalLanguage();
  });

  it("the quote screen with its rating, versions and the server's refusal", async () => {
    const view: QuoteDetailView = {
      detail: {
        summary: rejectedQuote,
        input: quoteInput(),
        versions: [
          {
            version: 1,
            created_at: "2026-11-01T09:00:00Z",
            rating: { pack_id: PACK, pack_digest: DIGEST, total: "1180", decision: "refer", rated_at: "2026-11-01T09:00:00Z" },
          },
        ],
      },
      rating,
      draftId: null,
      syncIssues: [rejectedBind],
    };
    mockCommands({ get_quote: () => view });
    render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => {}} />);
    await screen.findByRole("table", { name: "Premium by coverage" });
    expect(document.querySelector('#versions td[data-decision="refer"]')?.textContent).toBe("Referred to an underwriter");
    expectNoInternalLanguage();
  });

  it("the bind confirmation, with a signed rejection", async () => {
    const input = quoteInput();
    input.quote = {
      ...input.quote,
      payment_method: "eft",
      elections: [{ coverage: "UM", decision: "rejected", form: "CA_UM.2020", signed_on: "2026-10-30", signed_by: "Ana Reyes" }],
    };
    const view: QuoteDetailView = {
      detail: { summary: { ...rejectedQuote, status: "rated" }, input, versions: [] },
      rating: { ...rating, decision: "accept", reasons: [], unsigned: ["the uninsured motorist rejection (form CA-UM)"] },
      draftId: null,
      syncIssues: [],
    };
    mockCommands({ get_quote: () => view });
    const user = userEvent.setup();
    render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => {}} />);
    await user.click(await screen.findByRole("button", { name: "Request bind" }));
    const dialog = await screen.findByRole("dialog", { name: "Bind QUOT-2026-000002?" });
    expect(shownText(dialog)).toContain("Uninsured motorist rejected");
    expectNoInternalLanguage(dialog);
  });

  it("the policy screen's insured, drivers, vehicles and coverages", async () => {
    const input = quoteInput();
    input.quote = {
      ...input.quote,
      drivers: referredQuote().drivers,
      coverages: [
        { code: "BI", limit: "100/300", deductible: null, vehicles: null },
        { code: "ROADSIDE_PLUS", limit: null, deductible: null, vehicles: [0] },
      ],
    };
    mockCommands({
      policy_file: () => ({
        policyNumber: "POL-CA-2026-000001",
        status: "issued",
        policyVersion: 1,
        premium: "1180",
        working: null,
        input,
        timeline: [],
        changes: [],
        fetchedAt: null,
      }),
    });
    render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
    await screen.findByRole("heading", { name: "Drivers" });
    expect(shownText(document.body)).toContain("DUI on May 14, 2025");
    expect(shownText(document.body)).toContain("Roadside plus");
    expectNoInternalLanguage();
  });

  it("the referral desk", async () => {
    const referral: ReferralView = {
      quoteNumber: "QUOT-2026-000002",
      version: 1,
      agent: "agent",
      packId: PACK,
      total: "1180",
      reasons: ["UW-DUI", "UW-SOMETHING-NEW"],
      rating,
      ratingError: null,
      quote: referredQuote(),
      referredAt: "2026-11-01T09:00:00Z",
    };
    // An older server's referral: no quote, no time.
    const bare: ReferralView = { ...referral, quoteNumber: "QUOT-2026-000003", quote: null, referredAt: null };
    mockCommands({ referrals: () => [bare, referral], policy_referrals: () => [] });
    render(<Desk />);
    const reasons = await screen.findByRole("list", { name: "Why QUOT-2026-000002 was referred" });
    expect(reasons.querySelector('li[data-code="UW-DUI"]')?.textContent).toContain("DUI conviction in the last three years (Ana Reyes)");
    const bareReasons = screen.getByRole("list", { name: "Why QUOT-2026-000003 was referred" });
    expect(bareReasons.querySelector('li[data-code="UW-DUI"]')?.textContent).toContain("DUI conviction in the last three years (Driver 1)");
    const risk = screen.getByRole("list", { name: "What raised the risk score of QUOT-2026-000002" });
    expect(risk.textContent).toContain("Violation points (3 years): 1");
    expect(shownText(document.body)).toContain("DUI on May 14, 2025");
    expectNoInternalLanguage();
  });

  it("the sync screen's issues", async () => {
    mockCommands({
      enrollment_status: () => enrolledAgent,
      sync_issues: () => [rejectedBind, numberIssue],
    });
    render(<SyncScreen hidden={false} onOpenQuote={() => {}} />);
    await waitFor(() => expect(document.querySelectorAll("#sync-issues tbody tr")).toHaveLength(2));
    const row = document.querySelector('#sync-issues tr[data-issue-id="4"]')!;
    const cells = [...row.querySelectorAll("td")];
    expect(cells[0].dataset.kind).toBe("quote.rated");
    expect(cells[2].dataset.outcome).toBe("rejected");
    expect(cells[3].dataset.code).toBe("quote.number_not_allocated");
    expect(cells[4].textContent).toContain("quotes made before enrollment must be re-created");
    expectNoInternalLanguage();
  });

  it("the dashboard", async () => {
    mockCommands({
      dashboard: () => ({
        recent_quotes: [rejectedQuote],
        drafts: [],
        policies: [
          {
            policy_number: "PA-2026-000001",
            quote_number: "QUOT-2026-000002",
            status: "in_force",
            version: 1,
            effective_date: "2026-11-01",
            expiration_date: "2027-11-01",
            premium: "1180",
          },
        ],
        outbox_pending: 0,
        last_delivery_at: null,
        packs: [caAutoPack(PACK)],
        book: { ...emptyBook(), in_progress: 2, expiring: [{ ...rejectedQuote, status: "rated" }], conversion_percent: "33.3" },
      }),
    });
    render(<Dashboard onNewQuote={() => {}} onOpenQuote={() => {}} onResumeDraft={() => {}} onOpenPolicy={() => {}} onLoaded={() => {}} />);
    await screen.findByText("In force");
    expectNoInternalLanguage();
  });

  it("the underwriter's and the administrator's dashboards", async () => {
    const book: BookStats = {
      ...emptyBook(),
      expiring: [{ ...rejectedQuote, status: "rated" }],
      conversion_percent: "50.0",
      average_premium: "1180",
    };
    mockCommands({
      dashboard: () => emptyDashboard({ book, packs: [caAutoPack(PACK)] }),
      referrals: () => [{ ...queuedReferral(), packId: PACK }],
      pack_reviews: () => [
        {
          draftId: "d-1",
          packId: `ca-personal-auto/2026.2@${DIGEST}`,
          basePackId: PACK,
          author: "underwriter2",
          submittedAt: "2026-11-20T09:00:00Z",
          note: "",
          impact: null,
          impactProblem: null,
          decision: null,
          refusal: null,
        },
      ],
    });
    const { unmount } = render(
      <Dashboard
        onNewQuote={() => {}}
        onOpenQuote={() => {}}
        onResumeDraft={() => {}}
        onOpenPolicy={() => {}}
        onLoaded={() => {}}
        role="underwriter"
      />,
    );
    await screen.findByText(/^1 waiting/);
    await screen.findByText("1 draft waiting");
    await screen.findByRole("heading", { name: "Your book" });
    expect(shownText(document.body)).toContain("California personal auto, 2026.2");
    expectNoInternalLanguage();
    unmount();

    mockCommands({
      dashboard: () => emptyDashboard({ book }),
      referrals: () => Promise.reject({ code: "sync.not_enrolled", message: "not_enrolled" }),
      pack_reviews: () => Promise.reject({ code: "sync.refused", serverCode: "auth.forbidden", message: "403 forbidden" }),
    });
    const second = render(
      <Dashboard
        onNewQuote={() => {}}
        onOpenQuote={() => {}}
        onResumeDraft={() => {}}
        onOpenPolicy={() => {}}
        onLoaded={() => {}}
        role="underwriter"
      />,
    );
    await screen.findByText("Connect to see the referral queue.");
    await screen.findByRole("heading", { name: "Your book" });
    await waitFor(() => expect(document.querySelector("#uw-reviews [data-code]")).not.toBeNull());
    expectNoInternalLanguage();
    second.unmount();

    mockCommands({ dashboard: () => emptyDashboard({ book }) });
    render(
      <Dashboard
        onNewQuote={() => {}}
        onOpenQuote={() => {}}
        onResumeDraft={() => {}}
        onOpenPolicy={() => {}}
        onLoaded={() => {}}
        role="admin"
      />,
    );
    await screen.findByRole("heading", { name: "Your book" });
    expectNoInternalLanguage();
  });

  it("the customer screen: quotes, policies, notes, activity and the opportunity", async () => {
    // An email address is the customer's own (its dots are not a code), so the account here has none.
    mockCommands({
      customer: () => ({
        ...mariasAccount,
        email: null,
        activity: [
          ...mariasAccount.activity,
          { id: 9, at: "2026-11-01T08:00:00Z", action: "quote.something_new", subject: "", details: {} },
        ],
      }),
    });
    render(<CustomerScreen customerId={7} onOpenQuote={() => {}} onOpenPolicy={() => {}} onNewQuote={() => {}} />);
    await screen.findByRole("heading", { name: "Maria Lopez" });
    expect(shownText(document.body)).toContain("Quote: something new");
    expectNoInternalLanguage();
  });

  it("the palette's search results", () => {
    const items = searchItems(mariaFound, () => {});
    const div = document.createElement("div");
    div.textContent = items.map((item) => `${item.group} ${item.label} ${item.detail ?? ""}`).join(" ");
    expectNoInternalLanguage(div);
  });

  it("the notifications panel", async () => {
    const user = userEvent.setup();
    render(<NotificationsBell notifications={someNotifications(DIGEST)} onMarkRead={() => {}} onOpenItem={() => {}} />);
    await user.click(screen.getByRole("button", { name: "Notifications, 5 unread" }));
    await screen.findByRole("dialog", { name: "Notifications" });
    expectNoInternalLanguage();
  });
});
