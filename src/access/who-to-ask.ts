import { Dataset } from '../datasets/dataset.entity.js';
import type { RequestContext } from '../graphql/kit/context.js';
import { OrganisationType } from '../organisations/organisation.entity.js';
import { DataAccessBody, DataAccessBodyKind } from './data-access-body.entity.js';

/**
 * The bodies a requester must contact, in order: the access route's first contact and the bodies of its
 * steps, then the disclosure function of every other region that holds part of the data (each region
 * decides on disclosure of its own data).
 */
export async function whoToAsk(ctx: RequestContext, dataset: Dataset): Promise<DataAccessBody[]> {
  const route = (await ctx.loaders.accessRouteByDataset.load(dataset.id))[0];
  const orderedIds: string[] = [];
  const add = (id: string | undefined) => {
    if (id && !orderedIds.includes(id)) orderedIds.push(id);
  };
  add(route?.accessBody?.id);
  for (const step of route ? await ctx.loaders.stepsByRoute.load(route.id) : []) add(step.body?.id);

  const holders = (await ctx.loaders.dataHoldersByDataset.load(dataset.id)).filter((o) => o.type === OrganisationType.REGION);
  if (holders.length > 0) {
    const regional = await ctx.em.find(DataAccessBody, {
      kind: DataAccessBodyKind.REGIONAL_DISCLOSURE_FUNCTION,
      operatedBy: { $in: holders.map((h) => h.id) },
    }, { orderBy: { name: 'asc' } });
    for (const body of regional) add(body.id);
  }
  const bodies = await ctx.loaders.accessBody.loadMany(orderedIds);
  return bodies.filter((b): b is DataAccessBody => !!b && !(b instanceof Error) && ctx.policy.canRead(b));
}
