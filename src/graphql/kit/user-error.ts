import { Field, ObjectType } from 'type-graphql';
import type { Problem } from '../../core/problems.js';

/** A problem with the caller's input or rights, reported in a mutation payload instead of an exception. */
@ObjectType()
export class UserError implements Problem {
  @Field(() => String, { nullable: true, description: 'Dotted path of the input field, e.g. input.consent.duoPermission.' })
  field!: string | null;

  @Field(() => String)
  message!: string;

  @Field(() => String, { description: 'Machine-readable code: INVALID, REQUIRED, NOT_FOUND, FORBIDDEN, CONFLICT, ...' })
  code!: string;
}
