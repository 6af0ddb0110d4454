import type { Rel } from '@mikro-orm/core';
import { Entity, Enum, OneToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Dataset } from '../datasets/dataset.entity.js';
import { EthicsApproval } from '../studies/study.entity.js';

export enum ConsentType {
  INFORMED_BROAD = 'INFORMED_BROAD',
  INFORMED_SPECIFIC = 'INFORMED_SPECIFIC',
  OPT_OUT = 'OPT_OUT',
  NOT_REQUIRED_CLINICAL = 'NOT_REQUIRED_CLINICAL',
  WAIVED_BY_ETHICS = 'WAIVED_BY_ETHICS',
  /** Pathogen or other non-human data: no participant consent applies. */
  NOT_APPLICABLE_NON_HUMAN = 'NOT_APPLICABLE_NON_HUMAN',
}
registerEnumType(ConsentType, { name: 'ConsentType' });

@ObjectType('DuoModifier')
@InputType('DuoModifierInput')
export class DuoModifier {
  @Field(() => String, { description: 'DUO CURIE, e.g. DUO:0000022.' })
  code!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Parameter: GS region(s) (ISO 3166, EU-EEA), TS months, MOR date (ISO 8601).',
  })
  value?: string | null;
}

/**
 * What the participants' consent (and the approvals behind it) allows: exactly one DUO permission, any DUO
 * modifiers with their values, disease restrictions, and the legal bases kept apart from consent.
 */
@ObjectType()
@Entity({ tableName: 'consent_scope' })
export class ConsentScope {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @OneToOne({ entity: () => Dataset, owner: true, unique: true, deleteRule: 'cascade' })
  dataset!: Rel<Dataset>;

  @Field(() => String, { description: 'DUO permission CURIE (GRU, HMB, DS, POA or NRES).' })
  @Property({ type: 'text' })
  duoPermission!: string;

  @Field(() => [DuoModifier])
  @Property({ type: 'json' })
  duoModifiers: DuoModifier[] = [];

  @Field(() => [String], { description: 'Disease CURIEs the use is restricted to (required with DS).' })
  @Property({ type: 'text[]' })
  diseaseRestrictions: string[] = [];

  @Field(() => ConsentType, { nullable: true })
  @Enum({ items: () => ConsentType, nativeEnumName: 'consent_type', nullable: true })
  consentType?: ConsentType | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  consentFormVersion?: string | null;

  @Field(() => [String], { description: 'GDPR legal bases (DPV style, e.g. eu-gdpr:A6-1-e).' })
  @Property({ type: 'text[]' })
  legalBases: string[] = [];

  @Field(() => [String], { description: 'Swedish statutes (SFS references).' })
  @Property({ type: 'text[]' })
  nationalLegalBasis: string[] = [];

  @Field(() => EthicsApproval, { nullable: true })
  @Property({ type: 'json', nullable: true })
  ethicsApproval?: EthicsApproval | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  returnOfResults?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  withdrawalProcess?: string | null;

  /**
   * Hash of permission, modifiers and disease restrictions; equal consent shares one use assessment. Hidden: it
   * states nothing they do not (a dataset's history lists them, not it).
   */
  @Property({ type: 'text', hidden: true })
  consentKey!: string;
}
