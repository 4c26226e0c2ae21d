// A change that takes something away, asked in a modal alert dialog that
// names its consequence: the question as the title, what follows in plain
// words, anything the change needs (a password), then the confirming button
// and Cancel. Escape or Cancel closes it and nothing is done; focus stays
// inside while it is open and goes back where it was.
import type { ReactNode } from "react";
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";

/** A change waiting for its confirmation. */
export interface Confirmation {
  /** The question, e.g. "Disable jsmith?". */
  question: string;
  /** What follows, in plain words. */
  consequence: ReactNode;
  /** The confirming button's text, e.g. "Disable jsmith". */
  confirm: string;
  /** What the change does once confirmed. */
  run: () => void;
}

export function ConfirmDialog({
  id,
  pending,
  onClose,
  children,
  confirmDisabled = false,
}: {
  /** The dialog's id; its confirming button is `ID-confirm`, its Cancel `ID-cancel`. */
  id: string;
  /** The change asked about; none closes the dialog. */
  pending: Confirmation | null;
  onClose: () => void;
  /** Fields the change needs, between the consequence and the buttons. */
  children?: ReactNode;
  confirmDisabled?: boolean;
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={pending !== null} onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal confirm-dialog">
        <Dialog className="dialog" role="alertdialog" id={id} aria-describedby={`${id}-consequence`}>
          {pending && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (confirmDisabled) return;
                onClose();
                pending.run();
              }}
            >
              <Heading slot="title" level={3}>
                {pending.question}
              </Heading>
              <div id={`${id}-consequence`} className="confirm-consequence">
                {pending.consequence}
              </div>
              {children}
              <div className="confirm-buttons">
                <button type="submit" className="danger" id={`${id}-confirm`} disabled={confirmDisabled}>
                  {pending.confirm}
                </button>
                <button type="button" className="secondary" id={`${id}-cancel`} onClick={onClose} autoFocus={!children}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
