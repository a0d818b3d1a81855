import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

type Described = { label: string; name: string; error?: MessageKey | null; hint?: ReactNode };

/**
 * A label, a control, its hint and its error beside it, wired for screen readers. One shell serves
 * inputs and text areas alike.
 */
function FieldShell({
  label,
  error,
  hint,
  control,
}: Omit<Described, "name"> & {
  control: (props: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}) {
  const t = useT();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {control({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") || undefined,
      })}
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId} role="alert">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export function Field({ label, name, error, hint, ...input }: InputHTMLAttributes<HTMLInputElement> & Described) {
  return <FieldShell label={label} error={error} hint={hint} control={(a11y) => <input name={name} {...a11y} {...input} />} />;
}

export function TextArea({ label, name, error, hint, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & Described) {
  return <FieldShell label={label} error={error} hint={hint} control={(a11y) => <textarea name={name} {...a11y} {...rest} />} />;
}

type SelectProps = {
  label: string;
  name: string;
  error?: MessageKey | null;
  defaultValue?: string;
  children: ReactNode;
};

export function SelectField({ label, name, error, defaultValue, children }: SelectProps) {
  return (
    <FieldShell
      label={label}
      error={error}
      control={(a11y) => (
        <select name={name} defaultValue={defaultValue} {...a11y}>
          {children}
        </select>
      )}
    />
  );
}

export function FormError({ error }: { error?: MessageKey | null }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {t(error)}
    </p>
  );
}
