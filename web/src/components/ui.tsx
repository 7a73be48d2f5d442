/**
 * The portal's shared building blocks: page frame, form fields with their server error, dialogs,
 * tables, empty and error states. Every control has a label; errors are announced (role="alert").
 */
import { useEffect, useId, useRef, type ReactNode, type InputHTMLAttributes, type SelectHTMLAttributes } from 'react';
import type { ApiError } from '../api/client.ts';
import { useSubmit } from './data.ts';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Tandem admin`;
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title">{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** The error a field shows: the server's sentence when the problem names this field. */
export function fieldError(error: ApiError | null, ...fields: string[]): string | null {
  if (!error?.field) return null;
  return fields.includes(error.field) ? error.problem.detail : null;
}

/** A problem that names no field of the form, shown above the buttons. */
export function FormError({ error, fields = [] }: { error: ApiError | null; fields?: string[] }) {
  if (!error || (error.field && fields.includes(error.field))) return null;
  return <p className="form-error" role="alert" data-code={error.code}>{error.problem.detail}</p>;
}

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with an optional hint and the server's error beneath it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const describe = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, ...(describe ? { 'aria-describedby': describe } : {}) })}
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
      {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

export function TextField({ label, error, hint, ...input }: { label: string; error?: string | null; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return <Field label={label} error={error ?? null} {...(hint ? { hint } : {})}>{(p) => <input {...input} {...p} />}</Field>;
}

export function SelectField({ label, error, hint, children, ...select }: { label: string; error?: string | null; hint?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return <Field label={label} error={error ?? null} {...(hint ? { hint } : {})}>{(p) => <select {...select} {...p}>{children}</select>}</Field>;
}

export function Checkbox({ label, error, ...input }: { label: string; error?: string | null } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`check${error ? ' has-error' : ''}`}>
      <input type="checkbox" id={id} aria-invalid={!!error} {...(error ? { 'aria-describedby': `${id}-error` } : {})} {...input} />
      <label htmlFor={id}>{label}</label>
      {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

/** A modal dialog (native <dialog>: focus trap, Escape closes). */
export function Dialog({ title, open, onClose, children, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? 'wide' : undefined} aria-labelledby={titleId} onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      {open && (
        <>
          <header className="dialog-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon" aria-label="Close" onClick={onClose}>×</button>
          </header>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/** The buttons at the foot of a form. */
export function Actions({ children }: { children: ReactNode }) {
  return <div className="actions">{children}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty" role="status">{children}</p>;
}

export function LoadError({ error, retry }: { error: ApiError; retry?: () => void }) {
  return (
    <div className="load-error" role="alert">
      <p>{error.problem.detail}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}

export function Loading() {
  return <p className="loading" role="status" aria-live="polite">Loading…</p>;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** A table with a caption (for screen readers), its columns, and an empty state. */
export function Table<T>({ caption, columns, rows, rowKey, empty }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty: ReactNode }) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>{columns.map((c) => <th key={c.header} scope="col" className={c.className}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>{columns.map((c) => <td key={c.header} className={c.className}>{c.cell(r)}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A status shown as a badge: reserved, active, pending, … */
export function Badge({ children, tone }: { children: ReactNode; tone?: 'ok' | 'warn' | 'muted' | 'bad' }) {
  return <span className={`badge ${tone ?? ''}`}>{children}</span>;
}

/**
 * A confirmation before an action that changes or removes something: says what will happen, runs
 * `onConfirm` (a server call) and shows the server's refusal in place; closes only on success.
 */
export function ConfirmDialog({ title, open, onClose, onConfirm, confirmLabel, busyLabel, danger, disabled, children }: {
  title: string; open: boolean; onClose: () => void;
  /** The server call; the dialog closes when it succeeds and shows the server's refusal when it does not. */
  onConfirm: () => Promise<unknown>;
  confirmLabel: string; busyLabel?: string; danger?: boolean;
  /** The confirm button cannot be pressed (the text says why). */
  disabled?: boolean;
  children: ReactNode;
}) {
  const submit = useSubmit();
  const { clear } = submit;
  useEffect(() => {
    if (open) clear();
  }, [open, clear]);
  const confirm = async () => {
    if (await submit.run(onConfirm)) onClose();
  };
  return (
    <Dialog title={title} open={open} onClose={onClose}>
      {children}
      <FormError error={submit.error} />
      <Actions>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className={danger ? 'danger' : 'primary'} disabled={submit.busy || disabled} onClick={() => void confirm()}>
          {submit.busy && busyLabel ? busyLabel : confirmLabel}
        </button>
      </Actions>
    </Dialog>
  );
}
