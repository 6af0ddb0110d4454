import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { AccessRouteStep } from './access-route.entity.js';
import { DataAccessBody } from './data-access-body.entity.js';

export enum AccessContactReason {
  ROUTE_STEP = 'ROUTE_STEP',
  DATA_HOLDER = 'DATA_HOLDER',
}
registerEnumType(AccessContactReason, {
  name: 'AccessContactReason',
  description: 'ROUTE_STEP: decides a step of the access route. DATA_HOLDER: holds part of the data and decides on its disclosure.',
});

@ObjectType({ description: 'Someone a requester must contact: an organisation and the data access body it registered, if any.' })
export class AccessContact {
  @Field(() => Organisation, {
    nullable: true,
    description: 'The organisation to contact; for a route step, the one operating its body (null only for a body no organisation operates, e.g. a national HDAB).',
  })
  organisation!: Organisation | null;

  @Field(() => DataAccessBody, { nullable: true, description: 'The body to address; null when the organisation registered none.' })
  body!: DataAccessBody | null;

  @Field(() => AccessContactReason)
  reason!: AccessContactReason;

  @Field(() => AccessRouteStep, { nullable: true, description: "The route step it belongs to; null for the route's first contact and for data holders." })
  step!: AccessRouteStep | null;

  @Field(() => Boolean, { description: 'False when no data access body is registered for this contact: ask the organisation itself.' })
  hasRegisteredBody!: boolean;
}

const byNameThenId = (a: Organisation, b: Organisation): number => a.name.localeCompare(b.name, 'sv') || (a.id < b.id ? -1 : 1);

/**
 * Everyone to contact for a dataset, in a stable order: the access route's first contact (when no step names
 * it), the route steps in their order, then every organisation holding part of the data (each decides on
 * disclosure of its own data) by name, with the disclosure function it registered or none. Every read goes
 * through the request's DataLoaders, so a page of datasets costs the same few statements as one dataset.
 */
export async function accessContacts(ctx: RequestContext, dataset: Dataset): Promise<AccessContact[]> {
  const [routes, holders] = await Promise.all([
    ctx.loaders.accessRouteByDataset.load(dataset.id),
    ctx.loaders.dataHoldersByDataset.load(dataset.id),
  ]);
  const route = routes[0];
  const readableHolders = holders.filter((holder) => ctx.policy.canRead(holder)).sort(byNameThenId);
  const [steps, disclosureBodies] = await Promise.all([
    route ? ctx.loaders.stepsByRoute.load(route.id) : Promise.resolve([]),
    ctx.loaders.disclosureBodiesByOrganisation.loadMany(readableHolders.map((holder) => holder.id)),
  ]);

  const routeEntries: { bodyId: string | null; step: AccessRouteStep | null }[] = [];
  const firstContact = route?.accessBody?.id ?? null;
  if (firstContact && !steps.some((step) => step.body?.id === firstContact)) routeEntries.push({ bodyId: firstContact, step: null });
  for (const step of steps) routeEntries.push({ bodyId: step.body?.id ?? null, step });

  const bodies = await ctx.loaders.accessBody.loadMany(routeEntries.flatMap((entry) => (entry.bodyId ? [entry.bodyId] : [])));
  const readableBody = new Map(
    bodies.flatMap((body) => (body && !(body instanceof Error) && ctx.policy.canRead(body) ? [[body.id, body] as const] : [])),
  );
  const operators = await ctx.loaders.organisation.loadMany(
    [...readableBody.values()].flatMap((body) => (body.operatedBy ? [body.operatedBy.id] : [])),
  );
  const readableOrganisation = new Map(
    operators.flatMap((org) => (org && !(org instanceof Error) && ctx.policy.canRead(org) ? [[org.id, org] as const] : [])),
  );

  const contacts: AccessContact[] = routeEntries.map(({ bodyId, step }) => {
    const body = (bodyId && readableBody.get(bodyId)) || null;
    const organisation = (body?.operatedBy && readableOrganisation.get(body.operatedBy.id)) || null;
    return { organisation, body, reason: AccessContactReason.ROUTE_STEP, step, hasRegisteredBody: body !== null };
  });
  readableHolders.forEach((holder, i) => {
    const registered = disclosureBodies[i];
    const body = (Array.isArray(registered) ? registered : []).find((candidate) => ctx.policy.canRead(candidate)) ?? null;
    contacts.push({ organisation: holder, body, reason: AccessContactReason.DATA_HOLDER, step: null, hasRegisteredBody: body !== null });
  });
  return contacts;
}

/**
 * The bodies-only view of accessContacts, each body once, as whoToAsk always answered: the route's first
 * contact, then the other bodies in contact order (kept for existing clients).
 */
export async function whoToAsk(ctx: RequestContext, dataset: Dataset): Promise<DataAccessBody[]> {
  const contacts = await accessContacts(ctx, dataset);
  const firstContact = (await ctx.loaders.accessRouteByDataset.load(dataset.id))[0]?.accessBody?.id;
  const bodies = contacts.flatMap((contact) => (contact.body ? [contact.body] : []));
  bodies.sort((a, b) => Number(b.id === firstContact) - Number(a.id === firstContact));
  return [...new Map(bodies.map((body) => [body.id, body])).values()];
}
