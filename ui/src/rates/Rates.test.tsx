import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Channel } from "@tauri-apps/api/core";
import type {
  DraftCheck,
  DraftEdits,
  EditorPack,
  ImpactProgress,
  ImpactView,
  ManifestField,
  PackDiff,
  StoredRateDraft,
  TableGrid,
} from "../bindings";
import { proposedDates } from "./drafts";
import { Rates } from "./Rates";
import { BASE, DRAFT_PACK, impactView } from "./testdata";
import { caAutoPack } from "../test/fixtures";
import { Calls, Handler, mockCommands, names } from "../test/ipc";

// 150 territories: more than the grid renders at once.
const territory: TableGrid = {
  name: "territory",
  file: "territory.csv",
  keys: ["zip"],
  header: ["zip", "factor"],
  rows: Array.from({ length: 150 }, (_, i) => [String(90000 + i), (1 + i / 1000).toFixed(3)]),
};
const driverAge: TableGrid = {
  name: "driver_age",
  file: "driver_age.csv",
  keys: ["age"],
  header: ["age", "factor"],
  rows: [
    ["16", "2.10"],
    ["25", "1.00"],
  ],
};

const editorPack: EditorPack = {
  pack_id: BASE,
  fields: [
    { key: "version", label: "Version", group: "pack", kind: "text", value: "2026.1", line: 2 },
    { key: "effective.new_business", label: "New business from", group: "pack", kind: "date", value: "2026-01-01", line: 4 },
    {
      key: "coverages.BI.steps.0.value",
      label: "BI: Base rate (annual)",
      group: "coverage BI",
      kind: "decimal",
      value: "310.00",
      line: 20,
    },
  ],
  tables: [territory, driverAge],
};

const emptyDiff: PackDiff = { fields: [], tables: [], manifest_lines: [], other_files: [] };
const okCheck = (diff: PackDiff = emptyDiff): DraftCheck => ({ pack_id: DRAFT_PACK, problem: null, diff });

const dashboard = {
  recent_quotes: [],
  drafts: [],
  policies: [],
  outbox_pending: 0,
  last_delivery_at: null,
  packs: [caAutoPack(BASE)],
};

function stored(draftId: string, edits: DraftEdits, status = "editing"): StoredRateDraft {
  return {
    draft_id: draftId,
    base_pack_id: BASE,
    edits,
    pack_id: DRAFT_PACK,
    digest: "b".repeat(64),
    note: "Raise BI",
    author: "uw1",
    status,
    impact: null,
    submitted_at: null,
    sent_at: null,
    decided_by: null,
    comment: null,
    updated_at: "2026-11-24T08:00:00Z",
  };
}

/** Mocks the rate commands; `extra` answers or overrides any. Returns the calls made. */
function commands(extra: Record<string, Handler> = {}) {
  return mockCommands({
    dashboard: () => dashboard,
    rate_drafts: () => [],
    open_pack_for_editing: () => editorPack,
    check_rate_draft: () => okCheck(),
    ...extra,
  });
}

/** The effective dates a new revision of the test pack starts with (after the base's). */
const dates = () => proposedDates(editorPack.fields, new Date().toISOString().slice(0, 10));

const checks = (calls: Calls) => calls.filter(([cmd]) => cmd === "check_rate_draft").map(([, args]) => args.edits as DraftEdits);

async function openEditor() {
  const user = userEvent.setup();
  render(<Rates />);
  const open = await screen.findByRole("button", { name: "Edit California personal auto, 2026.1" });
  expect(open.getAttribute("data-pack-id")).toBe(BASE);
  await user.click(open);
  await waitFor(() => expect(document.getElementById("rate-editor")?.getAttribute("data-check")).toBe("ok"));
  return user;
}

const noEdits: DraftEdits = { fields: {}, tables: {} };
/** Waits for the draft `draftId` in the list of drafts. */
const findDraft = (draftId: string) =>
  waitFor(() => {
    const item = document.querySelector<HTMLElement>(`li.rate-draft[data-draft-id="${draftId}"]`);
    if (!item) throw new Error(`no draft ${draftId}`);
    return item;
  });
/** Waits for an element by id (waitFor alone would settle for null). */
const findById = (id: string) =>
  waitFor(() => {
    const element = document.getElementById(id);
    if (!element) throw new Error(`no #${id}`);
    return element;
  });
const editor = () => document.getElementById("rate-editor") as HTMLElement;
const cell = (row: number, col: number) =>
  document.querySelector(`table.rate-table input[data-row="${row}"][data-col="${col}"]`) as HTMLInputElement | null;

describe("rate editor", () => {
  it("checks a field edit once typing pauses, and marks the field the loader's problem names", async () => {
    const calls = commands({
      check_rate_draft: (args) =>
        !("coverages.BI.steps.0.value" in (args.edits as DraftEdits).fields)
          ? okCheck()
          : {
              pack_id: null,
              problem: {
                file: "manifest.toml",
                line: 20,
                row: null,
                field: "value",
                key: "coverages.BI.steps.0.value",
                message: "manifest.toml:20: `abc` is not a decimal",
              },
              diff: emptyDiff,
            },
    });
    const user = await openEditor();
    const input = screen.getByLabelText("BI: Base rate (annual)") as HTMLInputElement;
    expect(input.id).toBe("field-coverages-BI-steps-0-value");
    expect(input.getAttribute("data-field-key")).toBe("coverages.BI.steps.0.value");
    // Typed, not a native date input (WebKitGTK takes no keystrokes in one).
    expect((screen.getByLabelText("New business from") as HTMLInputElement).type).toBe("text");
    expect(within(screen.getByRole("group", { name: "coverage BI" })).getByLabelText("BI: Base rate (annual)")).toBe(input);
    await user.clear(input);
    await user.type(input, "abc");
    expect(editor().getAttribute("data-check")).toBe("checking");
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("problem"));
    // Debounced: the keystrokes in between were never sent.
    // A new revision starts with effective dates after the base's.
    expect(Object.keys(dates())).toEqual(["effective.new_business"]);
    expect((screen.getByLabelText("New business from") as HTMLInputElement).value).toBe(dates()["effective.new_business"]);
    expect(checks(calls).map((e) => e.fields)).toEqual([dates(), { ...dates(), "coverages.BI.steps.0.value": "abc" }]);
    const problem = document.getElementById("draft-problem") as HTMLElement;
    expect(problem.getAttribute("role")).toBe("alert");
    expect(problem.textContent).toContain("`abc` is not a decimal");
    expect(problem.textContent).toContain("In manifest.toml, line 20, field BI: Base rate (annual).");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.classList.contains("changed")).toBe(true);
    expect(screen.getByText("Was 310.00")).toBeTruthy();
    expect((document.getElementById("save-draft") as HTMLButtonElement).disabled).toBe(true);
    // Back to the base value: no edit of that field, and the draft loads.
    await user.clear(input);
    await user.type(input, "310.00");
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("ok"));
    expect(checks(calls).at(-1)).toEqual({ fields: dates(), tables: {} });
    expect(document.getElementById("draft-problem")).toBeNull();
    expect(input.getAttribute("aria-invalid")).toBeNull();
    expect(input.classList.contains("changed")).toBe(false);
  });

  it("takes a date field typed as YYYY-MM-DD or MM/DD/YYYY, or picked from its calendar", async () => {
    const calls = commands();
    const user = await openEditor();
    const input = screen.getByLabelText("New business from") as HTMLInputElement;
    expect(input.id).toBe("field-effective-new_business");
    expect(input.getAttribute("data-field-key")).toBe("effective.new_business");
    expect(input.inputMode).toBe("numeric");
    expect(input.placeholder).toBe("YYYY-MM-DD");
    expect(document.querySelector('input[type="date"]')).toBeNull();

    await user.clear(input);
    await user.type(input, "2027-02-03");
    await waitFor(() => expect(checks(calls).at(-1)?.fields["effective.new_business"]).toBe("2027-02-03"));
    expect(input.classList.contains("changed")).toBe(true);

    // The US way is written as YYYY-MM-DD when the field is left.
    await user.clear(input);
    await user.type(input, "3/4/2027");
    await user.tab();
    expect(input.value).toBe("2027-03-04");
    await waitFor(() => expect(checks(calls).at(-1)?.fields["effective.new_business"]).toBe("2027-03-04"));
    // The Tab went to the calendar button beside the field.
    const button = screen.getByRole("button", { name: "Choose date: New business from" });
    expect(document.activeElement).toBe(button);

    // Keyboard only: Enter opens the calendar on the field's day, an arrow moves, Enter picks.
    await user.keyboard("{Enter}");
    const dialog = await screen.findByRole("dialog", { name: "Choose date: New business from" });
    expect((within(dialog).getByLabelText("Month") as HTMLSelectElement).value).toBe("3");
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-label")).toMatch(/March 4, 2027/));
    await user.keyboard("{ArrowRight}{Enter}");
    expect(input.value).toBe("2027-03-05");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(checks(calls).at(-1)?.fields["effective.new_business"]).toBe("2027-03-05"));

    // And by mouse.
    await user.click(button);
    await user.click(within(await screen.findByRole("dialog")).getByText("20"));
    expect(input.value).toBe("2027-03-20");
    await waitFor(() => expect(checks(calls).at(-1)?.fields["effective.new_business"]).toBe("2027-03-20"));
  });

  it("sends the whole edited grid keyed by its file, lists the change and marks the cell the loader names", async () => {
    const changedDiff: PackDiff = {
      ...emptyDiff,
      tables: [
        {
          name: "territory",
          file: "territory.csv",
          cells: [{ key: ["90001"], column: "factor", before: "1.001", after: "x", row: 1, line: 3 }],
          added: [],
          removed: [],
        },
      ],
    };
    const calls = commands({
      check_rate_draft: (args) =>
        Object.keys((args.edits as DraftEdits).tables).length === 0
          ? okCheck()
          : {
              pack_id: null,
              problem: {
                file: "territory.csv",
                line: 3,
                row: 1,
                field: "factor",
                key: null,
                message: "territory.csv:3: factor `x` is not a decimal",
              },
              diff: changedDiff,
            },
    });
    const user = await openEditor();
    const table = document.querySelector("table.rate-table") as HTMLElement;
    expect(table.getAttribute("data-table-file")).toBe("territory.csv");
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((th) => th.textContent),
    ).toEqual(["Row", "ZIP (key)", "Factor", "Actions"]);
    await user.clear(cell(1, 1)!);
    await user.type(cell(1, 1)!, "x");
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("problem"));
    const rows = territory.rows.map((r, i) => (i === 1 ? ["90001", "x"] : r));
    expect(checks(calls).at(-1)).toEqual({ fields: dates(), tables: { "territory.csv": { ...territory, rows } } });
    expect(cell(1, 1)!.getAttribute("aria-invalid")).toBe("true");
    expect(cell(1, 0)!.getAttribute("aria-invalid")).toBeNull();
    expect(cell(1, 1)!.classList.contains("changed")).toBe(true);
    expect(document.getElementById("draft-problem")!.textContent).toContain("In territory.csv, line 3, row 2, column factor.");
    const change = document.querySelector("#draft-diff tr.diff-cell") as HTMLElement;
    expect(change.textContent).toContain("Territory");
    expect(change.textContent).toContain("90001");
    expect(change.textContent).toContain("1.001 → x");
  });

  it("shows at most 100 rows, filters them, and adds and removes rows", async () => {
    const calls = commands();
    const user = await openEditor();
    const rendered = () => document.querySelectorAll("table.rate-table tbody tr").length;
    expect(rendered()).toBe(100);
    expect(document.getElementById("table-count")!.textContent).toContain("Showing 100 of 150 rows");
    await user.type(screen.getByLabelText("Find rows"), "9014");
    expect(rendered()).toBe(10);
    expect(cell(140, 0)!.value).toBe("90140");
    expect(cell(0, 0)).toBeNull();
    await user.clear(screen.getByLabelText("Find rows"));
    // Removing row 3 (index 2) leaves the others in order.
    await user.click(screen.getByRole("button", { name: "Remove row 3" }));
    await waitFor(() => expect(checks(calls).at(-1)?.tables["territory.csv"]?.rows.length).toBe(149));
    expect(checks(calls).at(-1)!.tables["territory.csv"].rows.slice(0, 3)).toEqual([
      territory.rows[0],
      territory.rows[1],
      territory.rows[3],
    ]);
    // A new row is as wide as the header, and shows although it is past the first 100.
    await user.click(screen.getByRole("button", { name: "Add a row" }));
    expect(cell(149, 0)!.value).toBe("");
    await user.type(cell(149, 0)!, "96001");
    await waitFor(() => expect(checks(calls).at(-1)?.tables["territory.csv"]?.rows.length).toBe(150));
    expect(checks(calls).at(-1)!.tables["territory.csv"].rows.at(-1)).toEqual(["96001", ""]);
    // The other table is chosen by name.
    await user.selectOptions(screen.getByLabelText("Table"), "Driver age");
    expect(document.querySelector("table.rate-table")!.getAttribute("data-table-file")).toBe("driver_age.csv");
    expect(rendered()).toBe(2);
  });

  it("saves a new draft first, then the same draft, and shows a refusal on its field", async () => {
    let saves = 0;
    const calls = commands({
      check_rate_draft: (args) =>
        okCheck({
          ...emptyDiff,
          fields: Object.entries((args.edits as DraftEdits).fields).map(([key, after]) => ({
            key,
            label: editorPack.fields.find((f) => f.key === key)!.label,
            before: editorPack.fields.find((f) => f.key === key)!.value,
            after,
            line: 20,
          })),
        }),
      save_rate_draft: (args) => {
        saves += 1;
        if (saves === 1) {
          return Promise.reject({
            code: "input.invalid",
            message: "version: give the draft a new version; 2026.1 is the base's",
            fields: [{ path: "version", message: "give the draft a new version; 2026.1 is the base's" }],
          });
        }
        return stored("d1", args.edits as DraftEdits);
      },
    });
    const user = await openEditor();
    const save = document.getElementById("save-draft") as HTMLButtonElement;
    const rate = screen.getByLabelText("BI: Base rate (annual)");
    await user.clear(rate);
    await user.type(rate, "325.00");
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("ok"));
    const diffRow = document.querySelector('#draft-diff tr.diff-field[data-key="coverages.BI.steps.0.value"]') as HTMLElement;
    expect(diffRow.textContent).toContain("BI: Base rate (annual)");
    expect(diffRow.textContent).toContain("310.00 → 325.00");
    await user.type(screen.getByLabelText("Note for the approver"), "BI +5%");
    await user.click(save);
    const refused = await screen.findByRole("alert");
    expect(refused.id).toBe("save-error");
    expect(refused.textContent).toContain("version: give the draft a new version");
    expect(screen.getByLabelText("Version").getAttribute("aria-invalid")).toBe("true");
    await user.clear(screen.getByLabelText("Version"));
    await user.type(screen.getByLabelText("Version"), "2026.2");
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("ok"));
    await user.click(save);
    const saved = await findById("draft-saved");
    expect(saved.getAttribute("data-draft-id")).toBe("d1");
    await user.type(screen.getByLabelText("Note for the approver"), ", all territories");
    await user.click(save);
    await waitFor(() => expect(saves).toBe(3));
    const saveArgs = calls.filter(([cmd]) => cmd === "save_rate_draft").map(([, args]) => args);
    expect(saveArgs.map((a) => a.draftId)).toEqual([null, null, "d1"]);
    expect(saveArgs[2]).toEqual({
      draftId: "d1",
      basePackId: BASE,
      edits: { fields: { ...dates(), "coverages.BI.steps.0.value": "325.00", version: "2026.2" }, tables: {} },
      note: "BI +5%, all territories",
    });
    // The list is read again after each save.
    expect(calls.filter(([cmd]) => cmd === "rate_drafts").length).toBeGreaterThanOrEqual(3);
  });

  it("resumes a draft in the list with its edits", async () => {
    const draft = stored("d7", { fields: { version: "2026.2" }, tables: {} });
    const calls = commands({
      rate_drafts: () => [draft, { ...stored("d8", { fields: {}, tables: {} }, "rejected"), decided_by: "uw2", comment: "too steep" }],
    });
    const user = userEvent.setup();
    render(<Rates />);
    const items = await screen.findAllByRole("listitem");
    const mine = items.find((li) => li.getAttribute("data-draft-id") === "d7")!;
    const rejected = items.find((li) => li.getAttribute("data-draft-id") === "d8")!;
    expect(rejected.getAttribute("data-status")).toBe("rejected");
    expect(rejected.textContent).toContain("Rejected by uw2: too steep");
    expect(rejected.querySelector("button.resume-draft")).toBeNull();
    expect(mine.textContent).toContain("No impact run attached.");
    await user.click(mine.querySelector("button.resume-draft")!);
    await waitFor(() => expect(editor().getAttribute("data-check")).toBe("ok"));
    expect(editor().getAttribute("data-draft-id")).toBe("d7");
    expect((screen.getByLabelText("Version") as HTMLInputElement).value).toBe("2026.2");
    expect((screen.getByLabelText("Note for the approver") as HTMLTextAreaElement).value).toBe("Raise BI");
    expect(checks(calls).at(-1)).toEqual({ fields: { version: "2026.2" }, tables: {} });
    expect(calls.find(([cmd]) => cmd === "open_pack_for_editing")![1]).toEqual({ packId: BASE });
  });
});

describe("discarding a draft", () => {
  it("asks first, discards the draft being edited and lists the drafts again", async () => {
    let drafts = [stored("d7", noEdits), stored("d8", noEdits, "submitted")];
    const calls = commands({
      rate_drafts: () => drafts,
      discard_rate_draft: () => {
        drafts = drafts.filter((d) => d.draft_id !== "d7");
        return true;
      },
    });
    const user = userEvent.setup();
    render(<Rates />);
    const mine = await findDraft("d7");
    expect((await findDraft("d8")).querySelector("button.discard-draft")).toBeNull();
    await user.click(within(mine).getByRole("button", { name: "Discard draft California personal auto, 2026.2" }));
    expect(mine.textContent).toContain("Its edits are deleted; this cannot be undone.");
    await user.click(within(mine).getByRole("button", { name: "Cancel" }));
    expect(names(calls)).not.toContain("discard_rate_draft");

    const listed = names(calls).filter((cmd) => cmd === "rate_drafts").length;
    await user.click(within(mine).getByRole("button", { name: "Discard draft California personal auto, 2026.2" }));
    await user.click(within(mine).getByRole("button", { name: "Confirm discarding draft California personal auto, 2026.2" }));
    expect((await screen.findByRole("status")).textContent).toBe("The draft is discarded.");
    expect(calls).toContainEqual(["discard_rate_draft", { draftId: "d7" }]);
    await waitFor(() => expect(document.querySelector('li.rate-draft[data-draft-id="d7"]')).toBeNull());
    expect(names(calls).filter((cmd) => cmd === "rate_drafts").length).toBe(listed + 1);
    expect(document.querySelector('li.rate-draft[data-draft-id="d8"]')).not.toBeNull();
  });

  it("closes the draft's editor when it is discarded", async () => {
    let drafts = [stored("d7", noEdits)];
    commands({
      rate_drafts: () => drafts,
      discard_rate_draft: () => {
        drafts = [];
        return true;
      },
    });
    const user = userEvent.setup();
    render(<Rates />);
    const mine = await findDraft("d7");
    await user.click(mine.querySelector("button.resume-draft")!);
    await waitFor(() => expect(editor().getAttribute("data-draft-id")).toBe("d7"));
    await user.click(within(mine).getByRole("button", { name: "Discard draft California personal auto, 2026.2" }));
    await user.click(within(mine).getByRole("button", { name: "Confirm discarding draft California personal auto, 2026.2" }));
    await screen.findByText("No drafts yet: edit a pack to start one.");
    expect(document.getElementById("rate-editor")).toBeNull();
  });

  it("shows why a draft could not be discarded, and its status as it is now", async () => {
    let status = "editing";
    const calls = commands({
      rate_drafts: () => [stored("d7", noEdits, status)],
      discard_rate_draft: () => {
        status = "submitted";
        return Promise.reject({ code: "input.invalid", message: "draft d7 is submitted, not being edited" });
      },
    });
    const user = userEvent.setup();
    render(<Rates />);
    const mine = await findDraft("d7");
    await user.click(within(mine).getByRole("button", { name: "Discard draft California personal auto, 2026.2" }));
    await user.click(within(mine).getByRole("button", { name: "Confirm discarding draft California personal auto, 2026.2" }));
    const error = await findById("discard-error");
    expect(error.getAttribute("data-code")).toBe("input.invalid");
    expect(error.textContent).toMatch(/^The draft could not be discarded\. Some of what was entered could not be accepted\./);
    expect(error.querySelector("details")?.textContent).toContain("draft d7 is submitted, not being edited");
    expect(calls).toContainEqual(["discard_rate_draft", { draftId: "d7" }]);
    await waitFor(() => expect(document.querySelector('li.rate-draft[data-draft-id="d7"]')?.getAttribute("data-status")).toBe("submitted"));
    expect(document.querySelector("button.discard-draft")).toBeNull();
    expect(screen.queryByRole("status")).toBeNull();
  });
});

describe("impact", () => {
  it("runs on the chosen book with progress, shows the report with both worksheets, and submits the draft", async () => {
    let progress: Channel<ImpactProgress> | null = null;
    let finish: (v: ImpactView) => void = () => {};
    const draft = stored("d1", { fields: { version: "2026.2" }, tables: {} });
    const calls = commands({
      rate_drafts: () => [draft],
      impact_books: () => [{ fileName: "ca-auto-book.jsonl", bytes: 4096 }],
      run_impact: (args) => {
        progress = args.onProgress as Channel<ImpactProgress>;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
      submit_rate_draft: () => ({ ...draft, status: "submitted", submitted_at: "2026-11-24T09:00:00Z" }),
    });
    const user = userEvent.setup();
    render(<Rates />);
    await user.click(await screen.findByRole("button", { name: "Impact and submit" }));
    const section = document.getElementById("impact") as HTMLElement;
    expect(section.getAttribute("data-draft-id")).toBe("d1");
    await user.click(screen.getByLabelText("An imported book"));
    const file = (await screen.findByLabelText("Book file")) as HTMLSelectElement;
    expect(file.id).toBe("impact-book-file");
    expect(file.value).toBe("ca-auto-book.jsonl");
    await user.click(screen.getByRole("button", { name: "Run impact" }));
    const runArgs = calls.find(([cmd]) => cmd === "run_impact")![1];
    expect(runArgs.draftId).toBe("d1");
    expect(runArgs.book).toEqual({ kind: "file", fileName: "ca-auto-book.jsonl" });
    progress!.onmessage({ done: 4, total: 12 });
    const bar = (await screen.findByLabelText("4 of 12 policies rated")) as HTMLProgressElement;
    expect(bar.id).toBe("impact-progress");
    expect([bar.value, bar.max]).toEqual([4, 12]);
    finish(impactView);
    const result = await findById("impact-result");
    expect(result.getAttribute("data-rated")).toBe("10");
    expect(document.getElementById("impact-progress")).toBeNull();
    expect(document.getElementById("impact-total-change")!.textContent).toBe("Total premium $10,000.00 → $10,450.00: +$450.00 (+4.50%)");
    expect(document.getElementById("impact-rated")!.textContent).toBe("10");
    expect(document.getElementById("impact-repriced")!.textContent).toContain("changes only bodily injury;");
    expect(document.getElementById("impact-out-of-scope")!.textContent).toBe("1");
    expect(document.getElementById("impact-increased")!.textContent).toBe("6");
    // Bars are as long as their counts, relative to the largest band.
    const bands = [...document.querySelectorAll("#impact-histogram div.band")] as HTMLElement[];
    expect(bands.map((b) => b.getAttribute("data-band"))).toEqual(["-2% to 0%", "no change", "+5% to +10%"]);
    expect(bands.map((b) => (b.querySelector(".band-bar") as HTMLElement).style.width)).toEqual([`${100 / 6}%`, "50%", "100%"]);
    expect(bands[2].textContent).toContain("6");
    expect(bands.map((b) => b.querySelector(".band-name")!.textContent)).toEqual(["-2% to 0%", "No change", "+5% to +10%"]);
    const bi = document.querySelector('#impact-by-coverage tr[data-name="BI"]')!;
    expect(bi.textContent).toContain("+$450.00");
    // Groups in words, the engine's name kept for a tooltip.
    expect(bi.querySelector("th")!.textContent).toBe("Bodily injury");
    expect(bi.querySelector("th span")!.getAttribute("title")).toBe("BI");
    const t1 = document.querySelector('#impact-by-territory tr[data-name="T1"] th')!;
    expect(t1.textContent).toBe("Territory 1");
    expect(document.querySelectorAll("#impact-by-territory tbody tr").length).toBe(20);
    await user.click(screen.getByRole("button", { name: "Show all 25 territories" }));
    expect(document.querySelectorAll("#impact-by-territory tbody tr").length).toBe(25);
    const increase = document.querySelector('#impact-largest li.increase[data-policy-id="QUOT-2026-000004"]') as HTMLElement;
    expect(increase.textContent).toContain("+$120.50 (+9.80%)");
    const base = increase.querySelector("div.worksheet-base") as HTMLElement;
    const drafted = increase.querySelector("div.worksheet-draft") as HTMLElement;
    expect(base.querySelector("h4")!.textContent).toBe("Base California personal auto, 2026.1: $1,229.50");
    expect(drafted.querySelector("h4")!.textContent).toBe("Draft California personal auto, 2026.2: $1,350.00");
    expect(within(drafted).getByRole("region", { name: "Premium" }).textContent).toContain("$1,350.00");
    expect(document.querySelector('#impact-failures tr[data-policy-id="QUOT-2026-000009"]')!.textContent).toContain(
      "no territory for 99999",
    );
    expect(document.querySelector('#impact-failures tr[data-policy-id="QUOT-2026-000009"] td:nth-child(2)')!.textContent).toBe("Draft");
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(screen.getByText(/attaches the impact last run/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Submit for approval" }));
    const status = await findById("draft-status");
    expect(status.getAttribute("data-status")).toBe("submitted");
    expect(status.textContent).toContain("the next sync delivers it");
    expect(calls).toContainEqual(["submit_rate_draft", { draftId: "d1" }]);
    expect(document.getElementById("submit-draft")).toBeNull();
  });

  it("cancels a run and says so, without an error", async () => {
    let fail: (e: unknown) => void = () => {};
    const calls = commands({
      rate_drafts: () => [stored("d1", { fields: { version: "2026.2" }, tables: {} })],
      run_impact: () =>
        new Promise((_, reject) => {
          fail = reject;
        }),
      cancel_impact: () => {
        fail({ code: "impact.cancelled", message: "the impact run was cancelled after 4096 policies" });
        return null;
      },
    });
    const user = userEvent.setup();
    render(<Rates />);
    await user.click(await screen.findByRole("button", { name: "Impact and submit" }));
    await user.click(screen.getByLabelText("The server's book"));
    await user.click(screen.getByRole("button", { name: "Run impact" }));
    expect(calls.find(([cmd]) => cmd === "run_impact")![1].book).toEqual({ kind: "server" });
    expect(screen.getByText("Gathering the book...")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls.some(([cmd]) => cmd === "cancel_impact")).toBe(true);
    await waitFor(() => expect(document.getElementById("impact-cancelled")?.textContent).toBe("Cancelled."));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.getElementById("impact-result")).toBeNull();
    expect((document.getElementById("run-impact") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says where books go when the Books folder is empty", async () => {
    commands({ rate_drafts: () => [stored("d1", { fields: {}, tables: {} })], impact_books: () => [] });
    const user = userEvent.setup();
    render(<Rates />);
    await user.click(await screen.findByRole("button", { name: "Impact and submit" }));
    fireEvent.click(screen.getByLabelText("An imported book"));
    expect((await findById("impact-no-books")).textContent).toMatch(/Books folder of your documents folder.*uw book import/);
    expect((document.getElementById("run-impact") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("a new revision's effective dates", () => {
  const field = (key: string, value: string) => ({ key, value }) as unknown as ManifestField;
  it("start the day after the base's, and never before tomorrow", () => {
    const fields = [field("effective.new_business", "2026-01-01"), field("effective.renewal", "2027-03-01"), field("version", "2026.1")];
    expect(proposedDates(fields, "2026-12-06")).toEqual({ "effective.new_business": "2026-12-07", "effective.renewal": "2027-03-02" });
    expect(proposedDates(fields, "2025-06-30")).toEqual({ "effective.new_business": "2026-01-02", "effective.renewal": "2027-03-02" });
  });
});
