import { type ReactNode, useEffect, useId, useRef } from 'react';
import './prompts.css';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal <dialog> asking Confirm or Cancel; Escape cancels. Focus starts on Cancel, the safe answer. */
export function ConfirmDialog({ open, title, children, confirmLabel = 'Confirm', onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          <div>{children}</div>
          <div className="actions">
            <button type="button" autoFocus onClick={onCancel}>Cancel</button>
            <button type="button" className="primary" onClick={onConfirm}>{confirmLabel}</button>
          </div>
        </>
      )}
    </dialog>
  );
}
