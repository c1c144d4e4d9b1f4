import { type InputHTMLAttributes, useId } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** The server's messages for this field, shown next to it. */
  errors?: string[] | undefined;
}

/** A labelled input with its error messages tied to it for assistive technology. */
export function Field({ label, errors, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = Boolean(errors?.length);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={invalid || undefined} aria-describedby={invalid ? errorId : undefined} {...input} />
      {invalid && (
        <ul id={errorId} className="field-errors">
          {errors!.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
