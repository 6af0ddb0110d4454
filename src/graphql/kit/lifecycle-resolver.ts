import type { ClassType } from 'type-graphql';
import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { RequestContext } from './context.js';
import { runMutation } from './mutation.js';
import type { CatalogueRecord } from '../../records/record.js';
import { RecordService, type RecordRules } from '../../records/record-service.js';
import { UserError } from './user-error.js';

export interface Payload<E> {
  record: E | null;
  userErrors: UserError[];
}

/**
 * The four lifecycle mutations (create, update, publish, withdraw) and the payload type for one record
 * type, named after it: e.g. createStudy(input: StudyInput!): StudyPayload! with a `study` field.
 */
export function lifecycleResolver<E extends CatalogueRecord, I extends object, P extends object>(options: {
  entity: ClassType<E>;
  /** Field name in the payload, e.g. "study". */
  payloadField: string;
  input: ClassType<I>;
  patch: ClassType<P>;
  rules: RecordRules<E, I, P>;
}) {
  const name = options.entity.name;

  @ObjectType(`${name}Payload`)
  class PayloadType {
    @Field(() => options.entity, { name: options.payloadField, nullable: true })
    record!: E | null;

    @Field(() => [UserError])
    userErrors!: UserError[];
  }

  // The record service writes every change before it returns (records/record-service.ts).
  const write = <T>(ctx: RequestContext, work: (records: RecordService<E, I, P>) => Promise<T>) =>
    runMutation(ctx, (em) => work(new RecordService(em, ctx.policy, options.rules, { baseUrl: ctx.baseUrl })), { writesItsChanges: true });
  const payload = async (work: Promise<{ result: E | null; userErrors: UserError[] }>): Promise<PayloadType> => {
    const outcome = await work;
    return { record: outcome.result, userErrors: outcome.userErrors };
  };

  @ObjectType(`Delete${name}Payload`)
  class DeletePayloadType {
    @Field(() => ID, { nullable: true, description: 'The id the deleted draft had.' })
    deletedId!: string | null;

    @Field(() => [UserError])
    userErrors!: UserError[];
  }

  @Resolver()
  class LifecycleResolver {
    @Mutation(() => PayloadType, { name: `create${name}` })
    create(@Arg('input', () => options.input) input: I, @Ctx() ctx: RequestContext): Promise<PayloadType> {
      return payload(write(ctx, (records) => records.create(input)));
    }

    @Mutation(() => PayloadType, { name: `update${name}` })
    update(
      @Arg('id', () => ID) id: string,
      @Arg('expectedVersion', () => Int) expectedVersion: number,
      @Arg('input', () => options.patch) input: P,
      @Ctx() ctx: RequestContext,
    ): Promise<PayloadType> {
      return payload(write(ctx, (records) => records.update(id, expectedVersion, input)));
    }

    @Mutation(() => PayloadType, { name: `publish${name}` })
    publish(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<PayloadType> {
      return payload(write(ctx, (records) => records.publish(id)));
    }

    @Mutation(() => DeletePayloadType, { name: `delete${name}`, description: `Deletes a draft ${name} for good (audited); a published one is withdrawn instead.` })
    async delete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<DeletePayloadType> {
      const outcome = await write(ctx, (records) => records.delete(id).then((record) => record.nodeId));
      return { deletedId: outcome.result, userErrors: outcome.userErrors };
    }

    @Mutation(() => PayloadType, { name: `withdraw${name}` })
    withdraw(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext): Promise<PayloadType> {
      return payload(write(ctx, (records) => records.withdraw(id, reason)));
    }
  }
  return LifecycleResolver;
}
