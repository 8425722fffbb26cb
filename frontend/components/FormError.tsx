/** A form's error, announced to screen readers when it appears. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="alert alert-error" role="alert" data-testid="form-error">
      {message}
    </p>
  );
}
