/** A problem with the caller's input or rights: the field it concerns (a dotted path), why, and a code. */
export interface Problem {
  field: string | null;
  message: string;
  code: string;
}

export type ProblemCode =
  | 'INVALID'
  | 'REQUIRED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'INVALID_TRANSITION';

/** Thrown by services; mutation resolvers turn it into userErrors after rolling the transaction back. */
export class UserInputProblem extends Error {
  constructor(readonly errors: Problem[]) {
    super(errors.map((e) => `${e.field ?? '(input)'}: ${e.message}`).join('; '));
  }

  static of(field: string | null, message: string, code: ProblemCode = 'INVALID'): UserInputProblem {
    return new UserInputProblem([{ field, message, code }]);
  }
}

/** Collects validation problems so the caller sees all of them at once. */
export class Problems {
  readonly list: Problem[] = [];

  add(field: string | null, message: string, code: ProblemCode = 'INVALID'): void {
    this.list.push({ field, message, code });
  }

  addAll(errors: Problem[]): void {
    this.list.push(...errors);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new UserInputProblem(this.list);
  }
}

/**
 * A request outside GraphQL the client can fix (an unknown record, a query parameter the resource does not take):
 * its HTTP status, a code and a message saying what to fix; the HTTP edge answers it as JSON (src/http/request-errors.ts).
 */
export class RequestProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly userErrors?: Problem[],
  ) {
    super(message);
  }

  static notFound(message: string): RequestProblem {
    return new RequestProblem(404, 'NOT_FOUND', message);
  }

  /** A query parameter with a value the resource does not take: named, so the client knows what to change. */
  static badParameter(parameter: string, reason: string): RequestProblem {
    return new RequestProblem(400, 'BAD_USER_INPUT', `${parameter}: ${reason}`, [{ field: parameter, message: reason, code: 'INVALID' }]);
  }
}
