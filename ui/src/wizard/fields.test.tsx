import { describe, expect, it } from "vitest";
import { fireEvent as domEvent } from "@testing-library/dom";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { DateField, PhoneField, StateField } from "./fields";
import { isoDate, maskPhone } from "./form";
import { resolveState, typedState } from "./states";

/** A field with its value kept as the wizard keeps it, and every value it was given. */
function Harness({ kind, start = "", seen }: { kind: "date" | "state" | "phone"; start?: string; seen: string[] }) {
  const [value, setValue] = useState(start);
  const onChange = (v: string) => {
    seen.push(v);
    setValue(v);
  };
  return (
    <form>
      {kind === "date" && (
        <DateField
          field="drivers.0.dateOfBirth"
          label="Driver date of birth"
          pickerLabel="Choose date of birth for driver 1"
          max="2026-02-01"
          value={value}
          onChange={onChange}
        />
      )}
      {kind === "state" && <StateField field="state" label="State" value={value} onChange={onChange} />}
      {kind === "phone" && <PhoneField field="phone" label="Phone" value={value} onChange={onChange} />}
      <input aria-label="Next field" />
    </form>
  );
}

describe("a date field", () => {
  it("fills the field from its calendar, closes it and gives the focus back", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="date" start="1985-03-02" seen={seen} />);
    const button = screen.getByRole("button", { name: "Choose date of birth for driver 1" });
    await user.click(button);
    const dialog = await screen.findByRole("dialog", { name: "Choose date of birth for driver 1" });
    // It opens on the field's month.
    expect((within(dialog).getByLabelText("Month") as HTMLSelectElement).value).toBe("3");
    expect((within(dialog).getByLabelText("Year") as HTMLSelectElement).value).toBe("1985");
    await user.click(within(dialog).getByText("15"));
    expect(seen.at(-1)).toBe("1985-03-15");
    expect((screen.getByLabelText("Driver date of birth") as HTMLInputElement).value).toBe("1985-03-15");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));
  });

  it("moves by month and year, and offers no day after its bound", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="date" seen={seen} />);
    await user.click(screen.getByRole("button", { name: "Choose date of birth for driver 1" }));
    const dialog = await screen.findByRole("dialog");
    // Empty, it opens at its bound (today would be after it).
    expect((within(dialog).getByLabelText("Year") as HTMLSelectElement).value).toBe("2026");
    expect(within(dialog).queryByRole("option", { name: "2027" })).toBeNull();
    expect(
      within(dialog)
        .getByRole("button", { name: /February 2, 2026/ })
        .getAttribute("aria-disabled"),
    ).toBe("true");
    expect(
      within(dialog)
        .getByRole("button", { name: /February 1, 2026/ })
        .getAttribute("aria-disabled"),
    ).toBeNull();
    await user.selectOptions(within(dialog).getByLabelText("Year"), "1990");
    await user.selectOptions(within(dialog).getByLabelText("Month"), "7");
    await user.click(within(dialog).getByRole("button", { name: /July 4, 1990/ }));
    expect(seen.at(-1)).toBe("1990-07-04");
  });

  it("keeps typed ISO dates and writes a typed US date as ISO when left", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="date" seen={seen} />);
    const input = screen.getByLabelText("Driver date of birth") as HTMLInputElement;
    expect(input.id).toBe("f-drivers-0-dateOfBirth");
    await user.type(input, "1985-03-02");
    await user.tab();
    expect(input.value).toBe("1985-03-02");
    await user.clear(input);
    await user.type(input, "3/2/1985");
    expect(input.value).toBe("3/2/1985");
    await user.click(screen.getByLabelText("Next field"));
    expect(input.value).toBe("1985-03-02");
    expect(isoDate("12/31/1999")).toBe("1999-12-31");
    expect(isoDate("1999-12-31")).toBe("1999-12-31");
    expect(isoDate("31.12.1999")).toBe("31.12.1999");
  });
});

describe("a state field", () => {
  it("sets the code when a state is chosen from the list by name", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="state" seen={seen} />);
    const input = screen.getByLabelText("State") as HTMLInputElement;
    expect(input.id).toBe("f-state");
    await user.type(input, "calif");
    const option = await screen.findByRole("option", { name: "CA — California" });
    await user.click(option);
    expect(input.value).toBe("CA");
    expect(seen.at(-1)).toBe("CA");
  });

  it("takes a typed code, and a name typed in full becomes its code when left", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="state" seen={seen} />);
    const input = screen.getByLabelText("State") as HTMLInputElement;
    await user.type(input, "ny");
    expect(input.value).toBe("NY");
    await user.clear(input);
    await user.type(input, "New Jersey");
    await user.click(screen.getByLabelText("Next field"));
    expect(input.value).toBe("NJ");
  });

  it("typing a code over one the ZIP look-up filled replaces it", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="state" start="NY" seen={seen} />);
    const input = screen.getByLabelText("State") as HTMLInputElement;
    await user.click(input);
    await user.keyboard("{End}CA");
    expect(input.value).toBe("CA");
    expect(typedState("NY", "NYCA")).toBe("CA");
    expect(typedState("NE", "NEW")).toBe("NEW");
    expect(typedState("", "CA — California")).toBe("CA");
    expect(resolveState("district of columbia")).toBe("DC");
    expect(resolveState("Wyo")).toBe("WY");
  });
});

describe("a state field as an ARIA combobox", () => {
  function setup(start = "") {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="state" start={start} seen={seen} />);
    const input = screen.getByLabelText("State") as HTMLInputElement;
    return { seen, user, input };
  }

  it("is a combobox input tied to its list, closed until used, and out of the Tab order's way", async () => {
    const { user, input } = setup();
    expect(screen.getByRole("combobox", { name: "State" })).toBe(input);
    expect(input.tagName).toBe("INPUT");
    expect(input.name).toBe("state");
    expect(input.getAttribute("aria-autocomplete")).toBe("list");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(input.getAttribute("autocomplete")).toBe("off");
    const list = document.getElementById(input.getAttribute("aria-controls")!);
    expect(list?.getAttribute("role")).toBe("listbox");
    expect(screen.queryByRole("listbox")).toBeNull();
    const button = screen.getByRole("button", { name: "Show the states for state" });
    expect(button.tabIndex).toBe(-1);
    await user.click(input);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("Next field"));
  });

  it("typing tx then leaving gives TX", async () => {
    const { user, input, seen } = setup();
    await user.type(input, "tx");
    expect(input.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getByRole("option", { name: "TX — Texas" })).toBeTruthy();
    await user.tab();
    expect(input.value).toBe("TX");
    expect(seen.at(-1)).toBe("TX");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("listbox")).toBeNull();
  });

  it("typing Texas then leaving gives TX", async () => {
    const { user, input, seen } = setup();
    await user.type(input, "Texas");
    // Two letters read as a code while typed (typedState); the rest stays as typed.
    expect(input.value).toBe("TExas");
    await user.tab();
    expect(input.value).toBe("TX");
    expect(seen.at(-1)).toBe("TX");
  });

  it("Tab with an option highlighted leaves the typed text, resolved, and nothing else", async () => {
    const { user, input, seen } = setup();
    await user.type(input, "new");
    await user.keyboard("{ArrowDown}");
    expect(input.getAttribute("aria-activedescendant")).toBeTruthy();
    await user.tab();
    expect(input.value).toBe("NEw");
    expect(seen.at(-1)).toBe("NEw");
  });

  it("ArrowDown opens the list, moves the highlight, and Enter chooses it", async () => {
    const { user, input, seen } = setup();
    await user.click(input);
    await user.keyboard("{ArrowDown}");
    expect(input.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getAllByRole("option")).toHaveLength(51);
    const first = screen.getByRole("option", { name: "AL — Alabama" });
    expect(input.getAttribute("aria-activedescendant")).toBe(first.id);
    expect(first.getAttribute("aria-selected")).toBe("true");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowUp}");
    const second = screen.getByRole("option", { name: "AK — Alaska" });
    expect(input.getAttribute("aria-activedescendant")).toBe(second.id);
    expect(document.activeElement).toBe(input);
    await user.keyboard("{Enter}");
    expect(input.value).toBe("AK");
    expect(seen.at(-1)).toBe("AK");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(input.getAttribute("aria-activedescendant")).toBeNull();
  });

  it("ArrowDown on a filtered list highlights its matches, and ids are unique", async () => {
    const { user, input, seen } = setup();
    await user.type(input, "new");
    const names = screen.getAllByRole("option").map((o) => o.textContent);
    expect(names).toEqual(["NH — New Hampshire", "NJ — New Jersey", "NM — New Mexico", "NY — New York"]);
    const ids = screen.getAllByRole("option").map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Typing highlights nothing, so Enter chooses nothing.
    expect(input.getAttribute("aria-activedescendant")).toBeNull();
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(input.value).toBe("NJ");
    expect(seen.at(-1)).toBe("NJ");
  });

  it("Enter is left alone (the form's own) when no option is highlighted", () => {
    const { input } = setup();
    fireEvent.change(input, { target: { value: "calif" } });
    expect(fireEvent.keyDown(input, { key: "Enter" })).toBe(true);
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(fireEvent.keyDown(input, { key: "Enter" })).toBe(false);
    expect(input.value).toBe("CA");
  });

  it("Escape closes the list and keeps the text; closed, it does nothing", async () => {
    const { user, input, seen } = setup();
    await user.type(input, "calif");
    expect(screen.getByRole("listbox")).toBeTruthy();
    await user.keyboard("{ArrowDown}{Escape}");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(input.getAttribute("aria-activedescendant")).toBeNull();
    expect(input.value).toBe("CAlif");
    const count = seen.length;
    expect(fireEvent.keyDown(input, { key: "Escape" })).toBe(true);
    expect(input.value).toBe("CAlif");
    expect(seen.length).toBe(count);
  });

  it("the button opens every state on the field's own and keeps the focus in the input; a click chooses", async () => {
    const { user, input, seen } = setup("TX");
    await user.click(input);
    await user.click(screen.getByRole("button", { name: "Show the states for state" }));
    expect(document.activeElement).toBe(input);
    expect(screen.getAllByRole("option")).toHaveLength(51);
    expect(input.getAttribute("aria-activedescendant")).toBe(screen.getByRole("option", { name: "TX — Texas" }).id);
    await user.click(screen.getByRole("option", { name: "UT — Utah" }));
    expect(document.activeElement).toBe(input);
    expect(input.value).toBe("UT");
    expect(seen.at(-1)).toBe("UT");
    expect(screen.queryByRole("listbox")).toBeNull();
    // From the field's next neighbour too: the click puts the focus in the input.
    await user.click(screen.getByLabelText("Next field"));
    await user.click(screen.getByRole("button", { name: "Show the states for state" }));
    expect(document.activeElement).toBe(input);
    expect(screen.getByRole("listbox")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Show the states for state" }));
    expect(screen.queryByRole("listbox")).toBeNull();
  });

  it("keeps what was typed when the blur comes right after the keys, in the same act", () => {
    for (const [typed, expected] of [
      ["tx", "TX"],
      ["Texas", "TX"],
      ["TX", "TX"],
    ]) {
      const seen: string[] = [];
      const { unmount } = render(<Harness kind="state" seen={seen} />);
      const input = screen.getByLabelText("State") as HTMLInputElement;
      act(() => {
        input.focus();
        fireEvent.change(input, { target: { value: typed } });
        fireEvent.blur(input);
      });
      expect(input.value).toBe(expected);
      expect(seen.at(-1)).toBe(expected);
      unmount();
    }
  });

  it("keeps what was typed when the blur comes before the field has re-rendered", () => {
    // Events dispatched inside another event's handler are handled in one
    // batch: the blur sees the typed text in the input while the field's
    // value is still the last render's (as when Tab follows keys at once).
    for (const [typed, expected] of [
      ["tx", "TX"],
      ["Texas", "TX"],
      ["new york", "NY"],
    ]) {
      const seen: string[] = [];
      const { unmount } = render(
        <>
          <Harness kind="state" seen={seen} />
          <button
            type="button"
            onClick={() => {
              const input = document.getElementById("f-state") as HTMLInputElement;
              input.focus();
              domEvent.change(input, { target: { value: typed } });
              domEvent.blur(input);
              domEvent.focusOut(input);
            }}
          >
            Type and leave
          </button>
        </>,
      );
      const input = screen.getByLabelText("State") as HTMLInputElement;
      fireEvent.click(screen.getByRole("button", { name: "Type and leave" }));
      expect(input.value).toBe(expected);
      expect(seen.at(-1)).toBe(expected);
      unmount();
    }
  });

  it("keeps a typed code over one already there when left at once", () => {
    const seen: string[] = [];
    render(<Harness kind="state" start="NY" seen={seen} />);
    const input = screen.getByLabelText("State") as HTMLInputElement;
    act(() => {
      fireEvent.change(input, { target: { value: "" } });
      fireEvent.change(input, { target: { value: "Texas" } });
      fireEvent.blur(input);
    });
    expect(input.value).toBe("TX");
    expect(seen.at(-1)).toBe("TX");
  });

  it("points at its message when invalid", () => {
    render(<StateField field="drivers.0.licenseState" label="License state" value="ZZ" onChange={() => {}} error="Choose a state." />);
    const input = screen.getByLabelText("License state");
    expect(input.id).toBe("f-drivers-0-licenseState");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("f-drivers-0-licenseState-error");
    expect(screen.getByRole("alert").textContent).toBe("Choose a state.");
  });
});

describe("a phone field", () => {
  it("is masked as it is typed", async () => {
    const seen: string[] = [];
    const user = userEvent.setup();
    render(<Harness kind="phone" seen={seen} />);
    const input = screen.getByLabelText("Phone") as HTMLInputElement;
    await user.type(input, "2135550142");
    expect(input.value).toBe("(213) 555-0142");
    // A deletion is kept as it is.
    await user.type(input, "{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}");
    expect(input.value).toBe("(213) 555");
    expect(maskPhone("+44 20 7946 0958")).toBe("+44 20 7946 0958");
    expect(maskPhone("1 213")).toBe("1 213");
    expect(maskPhone("213555")).toBe("(213) 555");
  });
});
