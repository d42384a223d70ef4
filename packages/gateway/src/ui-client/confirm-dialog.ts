/** Confirmation before destructive actions, with the page's native modal `<dialog>` (focus trap, Esc). */
import { byId } from './dom.js';

export interface ConfirmOptions {
  title: string;
  text: string;
  confirmLabel: string;
}

/** Ask for confirmation; resolves `true` only when the confirm button was chosen. */
export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const dialog = byId('confirm-dialog', HTMLDialogElement);
  byId('confirm-title', HTMLElement).textContent = options.title;
  byId('confirm-text', HTMLElement).textContent = options.text;
  byId('confirm-ok', HTMLButtonElement).textContent = options.confirmLabel;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        // The opener may be gone (its row deleted); then focus stays on the page's main landmark.
        if (opener?.isConnected) opener.focus();
        else byId('main', HTMLElement).focus();
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
    dialog.showModal();
  });
}
