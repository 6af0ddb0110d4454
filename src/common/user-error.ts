import { Field, ObjectType } from 'type-graphql';

/** A problem with the caller's input or rights, reported in a mutation payload instead of an exception. */
@ObjectType()
export class UserError {
  @Field(() => String, { nullable: true, description: 'Dotted path of the input field, e.g. input.consent.duoPermission.' })
  field!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => String, { description: 'Machine-readable code: INVALID, REQUIRED, NOT_FOUND, FORBIDDEN, CONFLICT, ...' })
  code!: string;
}

export type UserErrorCode =
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
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => `${e.field ?? '(input)'}: ${e.message}`).join('; '));
  }

  static of(field: string | null, message: string, code: UserErrorCode = 'INVALID'): UserInputProblem {
    return new UserInputProblem([{ field, message, code }]);
  }
}

/** Collects validation problems so the caller sees all of them at once. */
export class Problems {
  readonly list: UserError[] = [];

  add(field: string | null, message: string, code: UserErrorCode = 'INVALID'): void {
    this.list.push({ field, message, code });
  }

  addAll(errors: UserError[]): void {
    this.list.push(...errors);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new UserInputProblem(this.list);
  }
}
