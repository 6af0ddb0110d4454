export interface UserError {
  field?: string | null;
  message: string;
  code: string;
}

/** The form field a userError names, without the argument name ("input.consent.duoPermission" -> "consent.duoPermission"). */
export function fieldOf(error: UserError): string {
  return (error.field ?? '').replace(/^input\./, '');
}

/** The errors about one field (and, with `within`, about the fields inside it). */
export function errorsFor(errors: UserError[], field: string, within = false): UserError[] {
  return errors.filter((error) => fieldOf(error) === field || (within && (fieldOf(error).startsWith(`${field}.`) || fieldOf(error).startsWith(`${field}[`))));
}

/**
 * What each userError code means, in Swedish: the API (and the form's own checks) word their messages in
 * English. The field is named beside the message, by the form's label.
 */
const SWEDISH: Record<string, string> = {
  REQUIRED: 'Måste anges.',
  INVALID: 'Värdet godtas inte; kontrollera vad fältet ska innehålla.',
  NOT_FOUND: 'Hittades inte; kontrollera identifieraren eller koden.',
  FORBIDDEN: 'Du får inte göra detta för den här organisationen.',
  DUPLICATE: 'Finns redan; identifieraren används av en annan post.',
  INVALID_TRANSITION: 'Går inte i postens nuvarande status.',
  CONFLICT: 'Någon annan har ändrat posten; ladda om den och försök igen.',
  UNAUTHENTICATED: 'Du behöver logga in.',
};

/** A userError in the interface language: the API's own words, or in Swedish what its code means (when known). */
export function userErrorText(error: Pick<UserError, 'message' | 'code'>, language: string): string {
  return (language === 'sv' && SWEDISH[error.code]) || error.message;
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
  const count = errorsFor(errors, field, within).length;
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
