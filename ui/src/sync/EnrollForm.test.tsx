import { expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { EnrollmentView } from "../bindings";
import { EnrollForm } from "./EnrollForm";
import { mockCommands, names } from "../test/ipc";
import { MESSAGES } from "../shared/messages";

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

/** The server at https://uw.example offers Contoso's sign-in; any other server none. */
const offersContoso = (args: Record<string, unknown>) =>
  args.serverUrl === "https://uw.example" ? [{ id: "contoso", displayName: "Contoso" }] : [];

it("enrolls through the organization's sign-in service the server offers, with the device name typed, and waits for the browser", async () => {
  let finish: (view: EnrollmentView) => void = () => {};
  const calls = mockCommands({
    sign_in_providers: offersContoso,
    enroll_with_provider: () =>
      new Promise((resolve) => {
        finish = resolve;
      }),
  });
  const done: EnrollmentView[] = [];
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={(v) => done.push(v)} />);
  expect(screen.queryByRole("button", { name: /Sign in with/ })).toBeNull();
  await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
  // Leaving the address asks the server at once.
  await user.click(screen.getByLabelText("Device name"));
  const button = (await screen.findByRole("button", { name: "Sign in with Contoso" })) as HTMLButtonElement;
  expect(calls).toContainEqual(["sign_in_providers", { serverUrl: "https://uw.example" }]);
  // Without a device name, the browser is not opened.
  await user.click(button);
  expect(names(calls)).not.toContain("enroll_with_provider");
  await user.type(screen.getByLabelText("Device name"), " desk ");
  await user.click(button);
  expect(calls).toContainEqual(["enroll_with_provider", { serverUrl: "https://uw.example", provider: "contoso", deviceName: "desk" }]);
  expect((await screen.findByRole("status")).textContent).toBe(
    "Finish signing in in your browser. This window continues when you are done.",
  );
  expect(button.disabled).toBe(true);
  expect((screen.getByRole("button", { name: "Enroll" }) as HTMLButtonElement).disabled).toBe(true);
  finish(enrolled);
  await waitFor(() => expect(done).toEqual([enrolled]));
  expect(screen.queryByRole("status")).toBeNull();
});

it("stops waiting for the browser when asked, without calling that a failure", async () => {
  let fail: (error: unknown) => void = () => {};
  const calls = mockCommands({
    sign_in_providers: offersContoso,
    enroll_with_provider: () =>
      new Promise((_, reject) => {
        fail = reject;
      }),
    cancel_provider_sign_in: () => {
      fail({ code: "sso.stopped", message: "the sign-in through the identity provider did not finish: the sign-in was cancelled" });
      return null;
    },
  });
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={() => {}} />);
  await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
  await user.type(screen.getByLabelText("Device name"), "desk");
  const button = (await screen.findByRole("button", { name: "Sign in with Contoso" })) as HTMLButtonElement;
  await user.click(button);
  await user.click(await screen.findByRole("button", { name: "Stop waiting" }));
  expect(names(calls)).toContain("cancel_provider_sign_in");
  await waitFor(() => expect(button.disabled).toBe(false));
  expect(screen.queryByRole("status")).toBeNull();
  expect(document.getElementById("enroll-error")).toBeNull();
});

it("says why signing in through the organization's service failed, in words, and lets the person try again", async () => {
  mockCommands({
    sign_in_providers: offersContoso,
    enroll_with_provider: () =>
      Promise.reject({ code: "sync.refused", serverCode: "sso.no_role", message: "your groups give you no role here" }),
  });
  const done: EnrollmentView[] = [];
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={(v) => done.push(v)} />);
  await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
  await user.type(screen.getByLabelText("Device name"), "desk");
  await user.click(await screen.findByRole("button", { name: "Sign in with Contoso" }));
  const alert = await screen.findByRole("alert");
  expect(alert.id).toBe("enroll-error");
  expect(alert.querySelector(".error-sentence")?.textContent).toBe(MESSAGES["sso.no_role"]);
  expect(done).toEqual([]);
  expect(screen.queryByRole("status")).toBeNull();
  expect((screen.getByRole("button", { name: "Sign in with Contoso" }) as HTMLButtonElement).disabled).toBe(false);
});

it("shows no organization sign-in when the server offers none or cannot say, and the password still enrolls", async () => {
  const calls = mockCommands({
    sign_in_providers: (args) =>
      args.serverUrl === "https://down.example" ? Promise.reject({ code: "sync.unreachable", message: "refused" }) : [],
    enroll: () => enrolled,
  });
  const done: EnrollmentView[] = [];
  const user = userEvent.setup();
  render(<EnrollForm onEnrolled={(v) => done.push(v)} />);
  await user.type(screen.getByLabelText("Server URL"), "https://down.example");
  await user.click(screen.getByLabelText("Username"));
  await waitFor(() => expect(calls).toContainEqual(["sign_in_providers", { serverUrl: "https://down.example" }]));
  await user.clear(screen.getByLabelText("Server URL"));
  await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
  await user.type(screen.getByLabelText("Username"), "uw1");
  await waitFor(() => expect(calls).toContainEqual(["sign_in_providers", { serverUrl: "https://uw.example" }]));
  expect(screen.queryByRole("alert")).toBeNull();
  expect(screen.queryByRole("button", { name: /Sign in with/ })).toBeNull();
  await user.type(screen.getByLabelText("Password"), "s3cret");
  await user.type(screen.getByLabelText("Device name"), "desk");
  await user.click(screen.getByRole("button", { name: "Enroll" }));
  expect(done).toEqual([enrolled]);
});
