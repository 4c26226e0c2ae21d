import { render, screen } from "@testing-library/react";
import { expect, it } from "vitest";
import { ErrorBox } from "./ErrorBox";

it("says what failed before the explanation, keeps the codes, and lists the fields the command named", () => {
  const error = {
    code: "input.invalid",
    serverCode: "quote.bad",
    message: "two fields are wrong",
    fields: [{ path: "zip", message: "must be five digits" }],
  };
  render(
    <ErrorBox id="save-error" error={error} explain={(e) => `Explained: ${e.message}`} fields>
      The quote was not saved.
    </ErrorBox>,
  );
  const alert = screen.getByRole("alert");
  expect(alert.id).toBe("save-error");
  expect(alert.className).toBe("error");
  expect(alert.dataset.code).toBe("input.invalid");
  expect(alert.dataset.serverCode).toBe("quote.bad");
  expect(alert.textContent).toBe("The quote was not saved. Explained: two fields are wrongzip: must be five digits");
});

it("shows the message as it is by default", () => {
  render(<ErrorBox className="review-error" error={{ code: "pack.four_eyes", message: "you wrote it" }} />);
  const alert = screen.getByRole("alert");
  expect(alert.className).toBe("error review-error");
  expect(alert.textContent).toBe("you wrote it");
  expect(alert.dataset.serverCode).toBeUndefined();
});
