import type { AccessRoute } from '../../access/access-route.entity.js';
import type { DataAccessBody } from '../../access/data-access-body.entity.js';
import type { Dataset } from '../../datasets/dataset.entity.js';
import type { Organisation } from '../../organisations/organisation.entity.js';
import { mailtoIri, webIri } from '../iris.js';
import type { ContactDetails, DescriptionContext } from './describer.js';

/*
 * Whom a contact point names. DCAT-AP wants one for datasets; HealthDCAT-AP also for every publisher and
 * health data access body, so each falls back to someone who can answer for it.
 */

/**
 * The contact point a harvested dataset's source states for it, else the access route's own contact, else
 * its first access body's, else the publisher's.
 */
export function datasetContact(context: DescriptionContext, dataset: Dataset, route: AccessRoute | null): ContactDetails | null {
  const stated = dataset.sourceDescription?.contactPoint;
  const statedEmail = mailtoIri(stated?.email);
  const statedUrl = webIri(stated?.url);
  if (stated && (statedEmail || statedUrl)) {
    const name = stated.name ?? dataset.publisher?.name ?? dataset.title;
    return { iri: context.iris.part('datasets', dataset.identifier, 'contact'), name, email: statedEmail, url: statedUrl };
  }
  const email = mailtoIri(route?.contactEmail);
  if (route && email) {
    return {
      iri: context.iris.part('datasets', dataset.identifier, 'contact'),
      name: route.accessBody?.name ?? dataset.publisher?.name ?? dataset.title,
      email,
      url: webIri(route.applicationUrl),
    };
  }
  // The publisher is null when the public may not read it (catalogue-source.ts).
  const publisher = dataset.publisher as Organisation | null;
  return (route?.accessBody && ownContactOfBody(context, route.accessBody)) ?? (publisher ? organisationContact(context, publisher) : null);
}

/**
 * An organisation's own contact details, else those of an access body it operates (a region's disclosure
 * function answers for the region's data), else the catalogue publisher's: the catalogue's publisher
 * answers questions about what it lists.
 */
export function organisationContact(context: DescriptionContext, organisation: Organisation, fallBackToCatalogue = true): ContactDetails | null {
  const email = mailtoIri(organisation.contactEmail);
  const url = webIri(organisation.homepage);
  if (email || url) return { iri: context.iris.part('organisations', organisation.identifier, 'contact'), name: organisation.name, email, url };
  for (const body of context.bodiesOperatedBy.get(organisation.id) ?? []) {
    const contact = ownContactOfBody(context, body);
    if (contact) return contact;
  }
  const publisher = context.catalogue.publisher;
  return fallBackToCatalogue && publisher && publisher.id !== organisation.id ? organisationContact(context, publisher, false) : null;
}

/** An access body's own contact details, else the catalogue publisher's (a planned HDAB has none yet). */
export function bodyContact(context: DescriptionContext, body: DataAccessBody): ContactDetails | null {
  const publisher = context.catalogue.publisher;
  return ownContactOfBody(context, body) ?? (publisher ? organisationContact(context, publisher, false) : null);
}

function ownContactOfBody(context: DescriptionContext, body: DataAccessBody): ContactDetails | null {
  const email = mailtoIri(body.contactEmail);
  const url = webIri(body.applicationUrl);
  return email || url ? { iri: context.iris.part('access-bodies', body.identifier, 'contact'), name: body.name, email, url } : null;
}
