import type { ClassType } from 'type-graphql';
import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { DataAccessBody } from '../access/data-access-body.entity.js';
import { Dataset } from '../datasets/dataset.entity.js';
import { HealthEconomicEvaluation } from '../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Publication } from '../publications/publication.entity.js';
import { fieldChanges } from '../records/changes.js';
import type { CatalogueRecord } from '../records/record.js';
import { Study } from '../studies/study.entity.js';
import type { RequestContext } from './kit/context.js';

@ObjectType({ description: 'One changed field, with its value before and after (as JSON text).' })
export class FieldChange {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true })
  before!: string | null;

  @Field(() => String, { nullable: true })
  after!: string | null;
}

@ObjectType({ description: 'One change to a record, from the append-only audit log.' })
export class RecordChange {
  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'Who: the token subject, or system:<task> (seed, import, harvest).' })
  actor!: string;

  @Field(() => String)
  actorRole!: string;

  @Field(() => String, { description: 'e.g. createDataset, updateDataset, publishDataset, withdrawDataset.' })
  action!: string;

  @Field(() => [FieldChange])
  changes!: FieldChange[];
}

/** `history` on one record type: readable by the record's organisation and admins, null for anyone else. */
function historyResolver<E extends CatalogueRecord>(entity: ClassType<E>) {
  @Resolver(() => entity)
  class HistoryResolver {
    @FieldResolver(() => [RecordChange], {
      nullable: true,
      description: 'Every change from the audit log (who, when, field by field), oldest first; for its organisation and admins only.',
    })
    async history(@Root() record: E, @Ctx() ctx: RequestContext): Promise<RecordChange[] | null> {
      if (!ctx.policy.ownsOrganisation(record.ownerOrganisationId)) return null;
      const entries = await ctx.loaders.auditEntries(entity.name).load(record.id);
      return entries.map((e) => ({ at: e.at, actor: e.actor, actorRole: e.actorRole, action: e.action, changes: fieldChanges(e.before, e.after) }));
    }
  }
  return HistoryResolver;
}

export const HISTORY_RESOLVERS = [Organisation, DataAccessBody, Publication, Study, Dataset, HealthEconomicEvaluation].map((entity) =>
  historyResolver(entity as ClassType<CatalogueRecord>),
);
