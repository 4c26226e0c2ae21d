import { render, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { ErrorBox } from "./ErrorBox";

it("says what failed in words, names each field, and keeps the codes and the raw message in a closed Details", () => {
  const error = {
    code: "input.invalid",
    message: "quote.applicant.address.zip: must be five digits",
    fields: [{ path: "quote.applicant.address.zip", message: "must be five digits" }],
  };
  render(
    <ErrorBox id="save-error" error={error}>
      The quote was not saved.
    </ErrorBox>,
  );
  const alert = screen.getByRole("alert");
  expect(alert.id).toBe("save-error");
  expect(alert.className).toBe("error");
  expect(alert.dataset.code).toBe("input.invalid");
  expect(alert.textContent?.startsWith("The quote was not saved. Some of what was entered could not be accepted.")).toBe(true);
  const field = alert.querySelector("li[data-path='quote.applicant.address.zip']") as HTMLElement;
  expect(field.textContent).toBe("ZIP code: must be five digits");
  const details = alert.querySelector("details") as HTMLDetailsElement;
  expect(details.open).toBe(false);
  expect(details.querySelector("summary")?.textContent).toBe("Details");
  expect(details.textContent).toContain("input.invalid");
  expect(details.textContent).toContain("quote.applicant.address.zip: must be five digits");
  // What the user reads outside the disclosure holds no code and no path.
  const outside = [...alert.childNodes]
    .filter((n) => n !== details)
    .map((n) => n.textContent)
    .join("");
  expect(outside).not.toMatch(/input\.invalid|quote\.applicant|\[\d\]/);
});

it("puts the server's code beside the workstation's in the details, and its sentence first", () => {
  render(
    <ErrorBox
      className="review-error"
      error={{ code: "sync.unauthorized", serverCode: "auth.invalid_credentials", message: "the username or password is wrong" }}
    />,
  );
  const alert = screen.getByRole("alert");
  expect(alert.className).toBe("error review-error");
  expect(alert.dataset.serverCode).toBe("auth.invalid_credentials");
  expect(alert.querySelector(".error-sentence")?.textContent).toBe("Wrong username or password. Check both, then try again.");
  expect(alert.querySelector("details")?.textContent).toContain("auth.invalid_credentials");
  expect(alert.textContent).toContain("the username or password is wrong");
});

it("has no server code attribute when the error has none", () => {
  render(<ErrorBox error={{ code: "pack.four_eyes", message: "you wrote it" }} />);
  const alert = screen.getByRole("alert");
  expect(alert.dataset.serverCode).toBeUndefined();
  expect(alert.querySelector(".error-sentence")?.textContent).toBe(
    "You wrote this rate draft, so another underwriter must approve or reject it.",
  );
});
