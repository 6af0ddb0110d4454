import type { Problems } from '../core/problems.js';
import { checkEmail, checkUrl } from '../core/validation.js';
import type { Dataset } from '../datasets/dataset.entity.js';
import type { References } from '../records/references.js';
import { AccessRoute, AccessRouteStep } from './access-route.entity.js';
import type { AccessRouteInput } from './access-route.inputs.js';
import { DataAccessBody } from './data-access-body.entity.js';

/**
 * A dataset's access route as `input` gives it, with its steps, replaced whole: the stored one (read by `stored`)
 * keeps its row with the new values, or a new one is made. Problems are reported against `field`.
 */
export async function accessRouteFrom(
  dataset: Dataset,
  stored: () => Promise<AccessRoute | null>,
  input: AccessRouteInput,
  field: string,
  problems: Problems,
  refs: References,
): Promise<AccessRoute> {
  const orders = input.steps.map((s) => s.order).sort((a, b) => a - b);
  if (orders.some((order, i) => order !== i + 1)) {
    problems.add(`${field}.steps`, `steps must be numbered 1..${input.steps.length} without gaps or repeats (got ${orders.join(', ')})`);
  }
  if (input.expectedTurnaroundDays != null && input.expectedTurnaroundDays <= 0) {
    problems.add(`${field}.expectedTurnaroundDays`, 'must be a positive number of days');
  }
  const accessBody = input.accessBody ? await refs.link(DataAccessBody, input.accessBody, `${field}.accessBody`, problems) : null;
  const existing = await stored();
  const unclaimed = [...(existing?.steps ?? [])];
  const steps: AccessRouteStep[] = [];
  for (const [index, step] of input.steps.entries()) {
    const body = step.body ? await refs.link(DataAccessBody, step.body, `${field}.steps[${index}].body`, problems) : null;
    // A step keeps its identity (and its IRI) while the route still has it: the same requirement, decided by
    // the same body, wherever it moves.
    const kept = unclaimed.find((old) => old.requirement === step.requirement && (old.body?.id ?? null) === (body?.id ?? null));
    if (kept) unclaimed.splice(unclaimed.indexOf(kept), 1);
    steps.push(Object.assign(kept ?? new AccessRouteStep(), { position: step.order, requirement: step.requirement, body, description: step.description ?? null }));
  }
  const route = existing ?? Object.assign(new AccessRoute(), { dataset, accessMode: input.accessMode });
  Object.assign(route, {
    accessMode: input.accessMode,
    accessBody,
    applicationUrl: checkUrl(problems, `${field}.applicationUrl`, input.applicationUrl),
    contactEmail: checkEmail(problems, `${field}.contactEmail`, input.contactEmail),
    expectedTurnaroundDays: input.expectedTurnaroundDays ?? null,
    fees: input.fees ?? null,
    languages: input.languages ?? [],
  });
  // Positions may swap between kept steps: the (route, position) unique key is checked at commit.
  for (const step of steps) step.route = route;
  route.steps.set(steps);
  return route;
}
