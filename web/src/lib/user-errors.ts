export interface UserError {
  field?: string | null;
  message: string;
  code: string;
}

/** The form field a userError names, without the argument name ("input.consent.duoPermission" -> "consent.duoPermission"). */
export function fieldOf(error: UserError): string {
  return (error.field ?? '').replace(/^input\./, '');
}

/** Messages for one field (and, with `within`, for the fields inside it). */
export function messagesFor(errors: UserError[], field: string, within = false): string[] {
  return errors.filter((error) => fieldOf(error) === field || (within && (fieldOf(error).startsWith(`${field}.`) || fieldOf(error).startsWith(`${field}[`)))).map((error) => error.message);
}

/** An element id for a field path, so the error summary can link to the field. */
export function fieldId(field: string): string {
  return `field-${field.replace(/[^\w-]/g, '-')}`;
}

/** The element id of a field's i-th error message (FieldErrors). */
export function errorId(field: string, i: number): string {
  return `${fieldId(field)}-error-${i}`;
}

/** The ids of a field's messages, for aria-describedby (undefined without any). */
export function errorIds(errors: UserError[], field: string, within = false): string | undefined {
  const count = messagesFor(errors, field, within).length;
  return count ? Array.from({ length: count }, (_, i) => errorId(field, i)).join(' ') : undefined;
}

/**
 * The attributes that tie a control to its field's messages: marked invalid, and described by them, so a
 * screen reader says what is wrong when the control takes the focus.
 */
export function problemAttributes(errors: UserError[], field: string, within = false): { 'aria-invalid': boolean; 'aria-describedby'?: string } {
  const ids = errorIds(errors, field, within);
  return ids ? { 'aria-invalid': true, 'aria-describedby': ids } : { 'aria-invalid': false };
}
