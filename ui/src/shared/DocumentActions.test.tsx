import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect, it } from "vitest";
import { mockCommands } from "../test/ipc";
import { DocumentActions } from "./DocumentActions";
import { SavedDocument } from "./SavedDocument";

const PATH = "/home/agent/Documents/Underwriting Workstation/QUOT-2026-000001-v1-proposal.pdf";

it("opens, prints and shows the saved document by its path", async () => {
  const calls = mockCommands({ open_document: () => null, print_document: () => null, show_document_in_folder: () => null });
  const user = userEvent.setup();
  render(<DocumentActions path={PATH} what="proposal" />);
  await user.click(screen.getByRole("button", { name: "Open" }));
  await user.click(screen.getByRole("button", { name: "Print" }));
  expect(await screen.findByText("Sent to the printer.")).toBeTruthy();
  await user.click(screen.getByRole("button", { name: "Show in folder" }));
  expect(calls).toEqual([
    ["open_document", { path: PATH }],
    ["print_document", { path: PATH }],
    ["show_document_in_folder", { path: PATH }],
  ]);
});

it("says in words why printing failed, with the printer's answer kept under Details", async () => {
  mockCommands({ print_document: () => Promise.reject({ code: "document.print_failed", message: "lp: Error - No default destination." }) });
  const user = userEvent.setup();
  render(<DocumentActions path={PATH} what="proposal" />);
  await user.click(screen.getByRole("button", { name: "Print" }));
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("Check that a printer is set up");
  expect(alert.querySelector("details")?.textContent).toContain("No default destination");
});

it("shows a saved document's actions and, under Where it is, its path with the id the end-to-end tests read", () => {
  mockCommands({});
  const { container } = render(<SavedDocument path={PATH} what="proposal" pathId="document-path" />);
  expect(screen.getByRole("group", { name: "The proposal" })).toBeTruthy();
  const location = container.querySelector("details.document-location");
  expect(location?.querySelector("summary")?.textContent).toBe("Where it is");
  expect(container.querySelector("#document-path")?.textContent).toBe(PATH);
});
