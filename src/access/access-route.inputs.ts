import { Field, ID, InputType, Int } from 'type-graphql';
import { AccessMode, AccessRequirement } from './access-route.entity.js';

@InputType()
export class AccessRouteStepInput {
  @Field(() => Int, { description: '1-based position; steps must be numbered 1..n.' })
  order!: number;

  @Field(() => AccessRequirement)
  requirement!: AccessRequirement;

  @Field(() => ID, { nullable: true, description: 'Data access body deciding this step (id or identifier).' })
  body?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

/** A dataset's access route as given, with its steps, replaced whole (its rules: access-route.rules.ts). */
@InputType()
export class AccessRouteInput {
  @Field(() => AccessMode)
  accessMode!: AccessMode;

  @Field(() => ID, { nullable: true, description: 'The body to contact first (id or identifier).' })
  accessBody?: string | null;

  @Field(() => String, { nullable: true })
  applicationUrl?: string | null;

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;

  @Field(() => Int, { nullable: true })
  expectedTurnaroundDays?: number | null;

  @Field(() => String, { nullable: true })
  fees?: string | null;

  @Field(() => [String], { nullable: true })
  languages?: string[] | null;

  @Field(() => [AccessRouteStepInput])
  steps!: AccessRouteStepInput[];
}
