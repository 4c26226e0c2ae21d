import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
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
