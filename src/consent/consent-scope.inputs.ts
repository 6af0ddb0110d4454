import { Field, InputType } from 'type-graphql';
import { EthicsApproval } from '../studies/study.entity.js';
import { ConsentType, DuoModifier } from './consent-scope.entity.js';

/** A dataset's consent scope as given, replaced whole (its rules: consent-scope.rules.ts). */
@InputType()
export class ConsentScopeInput {
  @Field(() => String, { description: 'DUO permission CURIE or shorthand (e.g. DUO:0000006 or HMB).' })
  duoPermission!: string;

  @Field(() => [DuoModifier], { nullable: true })
  duoModifiers?: DuoModifier[] | null;

  @Field(() => [String], { nullable: true, description: 'Disease IRIs or CURIEs (MONDO); required with DS.' })
  diseaseRestrictions?: string[] | null;

  @Field(() => ConsentType, { nullable: true })
  consentType?: ConsentType | null;

  @Field(() => String, { nullable: true })
  consentFormVersion?: string | null;

  @Field(() => [String], { nullable: true })
  legalBases?: string[] | null;

  @Field(() => [String], { nullable: true })
  nationalLegalBasis?: string[] | null;

  @Field(() => EthicsApproval, { nullable: true })
  ethicsApproval?: EthicsApproval | null;

  @Field(() => String, { nullable: true })
  returnOfResults?: string | null;

  @Field(() => String, { nullable: true })
  withdrawalProcess?: string | null;
}
