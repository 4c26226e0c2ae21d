import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { BookStats, ReviewView } from "../bindings";
import { Dashboard, Role } from "./Dashboard";
import { chartSummary } from "./WeekChart";
import { mockCommands, names } from "../test/ipc";
import type { Handler } from "../test/ipc";
import { caAutoPack, emptyBook, emptyDashboard, mariasQuote, referral } from "../test/fixtures";

const draft = {
  id: 4,
  quote_id: null,
  product: "personal-auto",
  step: 2,
  label: "Ana Reyes",
  created_at: "",
  updated_at: "2026-12-06T10:00:00Z",
};

/** Renders the dashboard for `role`; returns where each callback was asked to go. */
function renderDashboard(role: Role | null = null) {
  const opened: string[] = [];
  render(
    <Dashboard
      onNewQuote={() => {}}
      onOpenQuote={(id) => opened.push(`quote ${id}`)}
      onResumeDraft={() => {}}
      onOpenPolicy={() => {}}
      onLoaded={() => {}}
      role={role}
      onOpen={(kind) => opened.push(kind)}
    />,
  );
  return opened;
}

/** A book: two weeks with quotes, Maria's quote expiring. */
function book(): BookStats {
  const weeks = emptyBook().weeks;
  weeks[6] = { ...weeks[6], quoted: 4, bound: 1 };
  weeks[7] = { ...weeks[7], quoted: 2, bound: 2 };
  return {
    in_progress: 5,
    expiring: [{ ...mariasQuote, status: "rated", expires_on: "2026-11-27" }],
    referrals_waiting: 2,
    bound_this_month: 3,
    conversion_percent: "37.5",
    average_premium: "1290.5",
    weeks,
  };
}

/** The text of the figure labelled `label`. */
function figure(label: string): string {
  const dt = screen.getByText(label, { selector: "dt" });
  return dt.nextElementSibling?.textContent ?? "";
}

describe("the dashboard's unfinished quotes", () => {
  it("discards a draft once the agent confirms, and lists the drafts again", async () => {
    let drafts = [draft];
    const calls = mockCommands({
      dashboard: () => emptyDashboard({ drafts: drafts as never }),
      discard_draft: ({ id }) => {
        drafts = drafts.filter((d) => d.id !== id);
        return true;
      },
    });
    const user = userEvent.setup();
    renderDashboard();
    const list = await screen.findByRole("list");
    await user.click(within(list).getByRole("button", { name: "Discard the unfinished quote for Ana Reyes" }));
    expect(calls.some(([c]) => c === "discard_draft")).toBe(false);
    // Cancel keeps it.
    await user.click(within(list).getByRole("button", { name: "Cancel" }));
    await user.click(within(list).getByRole("button", { name: "Discard the unfinished quote for Ana Reyes" }));
    await user.click(within(list).getByRole("button", { name: "Discard it: the unfinished quote for Ana Reyes" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /Resume Ana Reyes/ })).toBeNull());
    expect(calls.filter(([c]) => c === "discard_draft").map(([, a]) => a)).toEqual([{ id: 4 }]);
    expect(calls.filter(([c]) => c === "dashboard").length).toBe(2);
  });
});

describe("the agent's dashboard", () => {
  it("shows the book's figures, the quotes expiring this week and eight weeks as a chart with its numbers", async () => {
    const calls = mockCommands({ dashboard: () => emptyDashboard({ book: book(), packs: [caAutoPack("ca-personal-auto/2026.1@abc")] }) });
    const user = userEvent.setup();
    const opened = renderDashboard();
    await screen.findByRole("heading", { name: "Your book" });
    expect(figure("In progress")).toBe("5");
    expect(figure("Expiring this week")).toBe("1");
    expect(figure("Waiting for underwriting")).toBe("2");
    expect(figure("Bound this month")).toBe("3");
    expect(figure("Conversion (90 days)")).toBe("37.5%");
    expect(figure("Average premium (90 days)")).toBe("$1,290.50");

    const expiring = screen.getByRole("table", { name: "Quotes expiring this week, soonest first" });
    const row = within(expiring).getByRole("row", { name: /QUOT-2026-000004/ });
    expect(row.textContent).toContain("Maria Lopez");
    expect(row.textContent).toContain("Nov 27, 2026");
    expect(row.textContent).toContain("$1,290.50");
    await user.click(within(row).getByRole("button", { name: "QUOT-2026-000004" }));
    expect(opened).toEqual(["quote 4"]);

    const chart = screen.getByRole("img", { name: /Quotes started and bound by week/ });
    expect(chart.getAttribute("aria-label")).toBe(
      "Quotes started and bound by week over the 8 weeks from Oct 5 to the week of Nov 23: 6 quotes started and 3 bound; the most started in a week was 4, in the week of Nov 16.",
    );
    expect(chart.querySelectorAll("rect.chart-bar")).toHaveLength(16);
    expect([...chart.querySelectorAll("text.chart-label")].map((t) => t.textContent)).toEqual([
      "Oct 5",
      "Oct 12",
      "Oct 19",
      "Oct 26",
      "Nov 2",
      "Nov 9",
      "Nov 16",
      "Nov 23",
    ]);
    const table = screen.getByRole("table", { name: /Quotes started and bound in each week/ });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(8);
    expect(rows[6].textContent).toBe("Nov 16, 202641");
    expect(rows[7].textContent).toBe("Nov 23, 202622");

    // The rate packs are folded away at the bottom.
    const packs = document.querySelector("details#packs-in-force")!;
    expect(packs.hasAttribute("open")).toBe(false);
    expect(packs.querySelector("summary")?.textContent).toBe("Rate packs in force (1)");
    // An agent's dashboard asks the server nothing.
    expect(names(calls)).toEqual(["dashboard"]);
  });

  it("says why there is no conversion when no quote was rated in 90 days", async () => {
    mockCommands({ dashboard: () => emptyDashboard() });
    renderDashboard();
    await screen.findByRole("heading", { name: "Your book" });
    expect(figure("Conversion (90 days)")).toBe("—No quote was rated in the last 90 days.");
    expect(figure("Average premium (90 days)")).toBe("—");
    expect(screen.queryByRole("table", { name: /expiring/ })).toBeNull();
    expect(chartSummary(emptyBook().weeks)).toBe(
      "Quotes started and bound by week over the 8 weeks from Oct 5 to the week of Nov 23: 0 quotes started and 0 bound.",
    );
  });
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

function review(draftId: string, packId: string, decision: ReviewView["decision"] = null): ReviewView {
  return {
    draftId,
    packId,
    basePackId: "ca-personal-auto/2026.1@abc",
    author: "underwriter2",
    submittedAt: "2026-11-20T09:00:00Z",
    note: "",
    impact: null,
    impactProblem: null,
    decision,
    refusal: null,
  };
}

describe("the underwriter's dashboard", () => {
  function commands(overrides: Record<string, Handler> = {}) {
    return mockCommands({
      dashboard: () =>
        emptyDashboard({
          book: book(),
          packs: [
            { ...caAutoPack("ca-personal-auto/2026.1@abc"), in_force: false },
            { ...caAutoPack("ca-personal-auto/2026.2@abc"), effective_new_business: "2026-10-01" },
            { ...caAutoPack("fl-homeowners-ho3/2026.1@abc"), state: "FL", product: "homeowners-ho3", effective_new_business: "2026-03-01" },
            { ...caAutoPack("tx-personal-auto/2025.4@abc"), state: "TX", effective_new_business: "2025-12-01" },
          ],
        }),
      referrals: () => [
        { ...referral(hoursAgo(3)), quoteNumber: "QUOT-2026-000009", agent: "agent2", total: "980" },
        { ...referral(hoursAgo(50)), agent: "agent1" },
        { ...referral(hoursAgo(20)), quoteNumber: "QUOT-2026-000007", agent: "agent1", total: "1500" },
      ],
      pack_reviews: () => [
        review("d1", "ca-personal-auto/2026.3@abc"),
        review("d2", "fl-homeowners-ho3/2026.2@abc", { approve: true, comment: "fine" }),
      ],
      ...overrides,
    });
  }

  it("shows the referral queue, the drafts awaiting approval and the latest rate changes above the book", async () => {
    commands();
    const user = userEvent.setup();
    const opened = renderDashboard("underwriter");
    const summary = await screen.findByText("3 waiting · oldest 2 days");
    const queue = summary.closest("section")!;
    const rows = within(queue).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-quote-number"))).toEqual(["QUOT-2026-000002", "QUOT-2026-000007", "QUOT-2026-000009"]);
    expect(rows[0].textContent).toBe("QUOT-2026-000002agent1$2,263.502 days");
    expect(rows[2].textContent).toBe("QUOT-2026-000009agent2$980.003 hours");
    await user.click(within(rows[1]).getByRole("button", { name: "QUOT-2026-000007" }));
    expect(opened).toEqual(["desk"]);

    const reviews = screen.getByRole("region", { name: "Rate drafts awaiting your approval" });
    await within(reviews).findByText("1 draft waiting");
    expect(within(reviews).getByRole("listitem").textContent).toBe("California personal auto, 2026.3 by underwriter2");
    await user.click(within(reviews).getByRole("button", { name: "Open approvals" }));
    expect(opened).toEqual(["desk", "approvals"]);

    const changes = screen.getByRole("region", { name: "Recent rate changes" });
    await waitFor(() => expect(within(changes).getAllByRole("listitem")).toHaveLength(3));
    expect(
      within(changes)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "California personal auto, 2026.2 new business from Oct 1, 2026, in force today",
      "Florida homeowners (HO-3), 2026.1 new business from Mar 1, 2026, in force today",
      "California personal auto, 2026.1 new business from Jan 1, 2026",
    ]);
    // The agent's book follows.
    await screen.findByRole("heading", { name: "Your book" });
    expect(figure("In progress")).toBe("5");
  });

  it("asks to connect when the server cannot be reached, and shows the rest", async () => {
    commands({
      referrals: () => Promise.reject({ code: "sync.unreachable", message: "connection refused" }),
      pack_reviews: () => Promise.reject({ code: "sync.server", message: "500" }),
    });
    renderDashboard("underwriter");
    expect(await screen.findByText("Connect to see the referral queue.")).toBeTruthy();
    const reviews = screen.getByRole("region", { name: "Rate drafts awaiting your approval" });
    await within(reviews).findByText("The server had a problem and could not finish. Try again in a few minutes.");
    await screen.findByRole("heading", { name: "Your book" });
    expect(figure("Bound this month")).toBe("3");
    expect(screen.getByRole("region", { name: "Recent rate changes" }).textContent).toContain("California personal auto, 2026.2");
  });
});

describe("the administrator's and the auditor's dashboards", () => {
  it("point to their console, then show the book", async () => {
    const calls = mockCommands({ dashboard: () => emptyDashboard({ book: book() }) });
    const user = userEvent.setup();
    const opened = renderDashboard("admin");
    const card = screen.getByRole("region", { name: "Administration" });
    expect(card.textContent).toContain("Sign in to the administrator console to manage users and devices.");
    await user.click(within(card).getByRole("button", { name: "Open Admin" }));
    expect(opened).toEqual(["admin"]);
    await screen.findByRole("heading", { name: "Your book" });
    expect(names(calls)).toEqual(["dashboard"]);
  });

  it("the auditor's opens the audit console", async () => {
    mockCommands({ dashboard: () => emptyDashboard() });
    const user = userEvent.setup();
    const opened = renderDashboard("auditor");
    await user.click(within(screen.getByRole("region", { name: "Audit" })).getByRole("button", { name: "Open Audit" }));
    expect(opened).toEqual(["audit"]);
  });
});
