import { expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { EnrollmentView } from "../bindings";
import { EnrollForm } from "./EnrollForm";
import { mockCommands } from "../test/ipc";

const enrolled = { deviceId: "d-1" } as unknown as EnrollmentView;

async function fillAndEnroll(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
  await user.type(screen.getByLabelText("Username"), "uw1");
  await user.type(screen.getByLabelText("Password"), "s3cret");
  await user.type(screen.getByLabelText("Device name"), "desk");
  await user.click(screen.getByRole("button", { name: "Enroll" }));
}

it("asks for the authenticator code the server wants, and enrolls with it and the same password", async () => {
  const calls = mockCommands({
    enroll: (args) =>
      (args as { secondFactor: string | null }).secondFactor === "123456"
        ? enrolled
        : Promise.reject({ code: "sync.unauthorized", serverCode: "auth.second_factor_required", message: "code needed" }),
  });
  const done: EnrollmentView[] = [];
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={(v) => done.push(v)} />);
  await fillAndEnroll(user);
  expect(screen.queryByRole("alert")).toBeNull();
  await user.type(await screen.findByLabelText("Code"), "123456");
  await user.click(screen.getByRole("button", { name: "Enroll" }));
  expect(done).toEqual([enrolled]);
  expect(calls).toContainEqual([
    "enroll",
    { serverUrl: "https://uw.example", username: "uw1", password: "s3cret", deviceName: "desk", secondFactor: "123456" },
  ]);
});

it("sets up an authenticator app first when the organization requires one, then enrolls with its code", async () => {
  let confirmed = false;
  const calls = mockCommands({
    enroll: (args) => {
      const code = (args as { secondFactor: string | null }).secondFactor;
      if (!confirmed) {
        return Promise.reject({ code: "sync.refused", serverCode: "auth.second_factor_enrollment_required", message: "set one up" });
      }
      return code === "222222"
        ? enrolled
        : Promise.reject({ code: "sync.unauthorized", serverCode: "auth.second_factor_required", message: "code" });
    },
    sign_in: () => ({
      serverUrl: "https://uw.example",
      username: "uw1",
      role: "underwriter",
      expiresAt: "x",
      mustEnrollSecondFactor: true,
    }),
    begin_totp: () => ({ secret: "GEZD GNBV", qrSvg: "<svg></svg>", digits: 6, periodSeconds: 30 }),
    confirm_totp: () => {
      confirmed = true;
      return { codes: ["AAAA-BBBB-CCCC-DDDD"] };
    },
    sign_out: () => true,
  });
  const done: EnrollmentView[] = [];
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={(v) => done.push(v)} />);
  await fillAndEnroll(user);
  expect(calls).toContainEqual(["sign_in", { serverUrl: "https://uw.example", username: "uw1", password: "s3cret", secondFactor: null }]);
  await user.click(await screen.findByRole("button", { name: "Set up an authenticator app" }));
  await user.type(await screen.findByLabelText("Code from the app"), "111111");
  await user.click(screen.getByRole("button", { name: "Confirm" }));
  await user.click(await screen.findByRole("button", { name: "I have saved them" }));
  expect(calls.some(([cmd]) => cmd === "sign_out")).toBe(true);
  await user.type(await screen.findByLabelText("Code"), "222222");
  await user.click(screen.getByRole("button", { name: "Enroll" }));
  expect(done).toEqual([enrolled]);
});
