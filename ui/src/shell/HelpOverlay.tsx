// The keyboard shortcuts, listed from the same table the key handler runs
// (shortcuts.ts), in a modal dialog: focus stays inside, Escape closes it and
// focus goes back to where it was.
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { keyLabels, Shortcut } from "./shortcuts";

export function HelpOverlay({
  isOpen,
  onOpenChange,
  shortcuts,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  shortcuts: Shortcut[];
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="modal help">
        <Dialog className="dialog" id="help-overlay">
          {({ close }) => (
            <>
              <div className="dialog-head">
                <Heading slot="title" level={2}>
                  Keyboard shortcuts
                </Heading>
                <button type="button" className="secondary" onClick={close}>
                  Close
                </button>
              </div>
              <table className="shortcuts">
                <caption className="visually-hidden">Keyboard shortcuts</caption>
                <thead>
                  <tr>
                    <th scope="col">Keys</th>
                    <th scope="col">What it does</th>
                  </tr>
                </thead>
                <tbody>
                  {shortcuts.map((s) => (
                    <tr key={s.description}>
                      <td>
                        {keyLabels(s.keys).map((label, i) => (
                          <span key={i}>
                            {i > 0 && ("sequence" in s.keys ? " then " : " + ")}
                            <kbd>{label}</kbd>
                          </span>
                        ))}
                      </td>
                      <td>{s.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="meta">Shortcuts other than the palette's wait while you type in a field. Escape closes this list.</p>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
