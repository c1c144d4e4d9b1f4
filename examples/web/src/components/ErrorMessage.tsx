import { messageOf } from "../errors";

/** A failed request, in words, announced to screen readers. */
export function ErrorMessage({ error, fields }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {messageOf(error, fields)}
    </p>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}
