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
