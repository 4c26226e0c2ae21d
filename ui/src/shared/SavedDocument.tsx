// A document the workstation just saved: Open / Print / Show in folder, and
// where the file is, kept under a disclosure so the path does not crowd the page.
import { DocumentActions } from "./DocumentActions";

export interface SavedDocumentProps {
  /** Where the file was saved. */
  path: string;
  /** What the document is, for the buttons' group label ("The proposal"). */
  what: string;
  /** The id of the element showing the path (the end-to-end tests read it). */
  pathId?: string;
  /** Whether it is offered for printing (not a file for support). */
  printable?: boolean;
}

export function SavedDocument({ path, what, pathId, printable = true }: SavedDocumentProps) {
  return (
    <>
      <DocumentActions path={path} what={what} printable={printable} />
      <details className="document-location">
        <summary>Where it is</summary>
        <code id={pathId}>{path}</code>
      </details>
    </>
  );
}
