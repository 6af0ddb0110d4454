import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type * as RDF from '@rdfjs/types';
import express, { type Request, type Response } from 'express';
import { DataFactory } from 'n3';
import { DataAccessBody } from '../../access/data-access-body.entity.js';
import type { Catalogue } from '../../catalogue/catalogue.entity.js';
import { RequestProblem } from '../../core/problems.js';
import { isIsoCalendarDate } from '../../core/validation.js';
import { type CatalogueRecord, RecordStatus } from '../../records/record.js';
import type { Orm } from '../../db/orm.js';
import { HealthEconomicEvaluation } from '../../economics/health-economic-evaluation.entity.js';
import { Organisation } from '../../organisations/organisation.entity.js';
import { Study } from '../../studies/study.entity.js';
import {
  completeRecords, countDatasets, findCatalogue, findDataset, findDatasetOfDistribution, findDatasetPage, findListedIdentifiers,
  findServedRecord, listingCompleteUpTo, type ListingFilter, metadataModifiedOf, recordDocumentModified,
} from '../catalogue-source.js';
import { CatalogueIris } from '../iris.js';
import { dcat } from '../namespaces.js';
import { describeTombstone } from '../profiles/dcat-ap/dcat-ap.writer.js';
import { CatalogueDescriber, publishedPrefixes } from '../profiles/describer.js';
import { describeContainer, describeRepository } from '../profiles/fdp/fdp.writer.js';
import { type RdfFormat, rdfFormats } from '../rdf/formats.js';
import { serialize } from '../rdf/serialize.js';
import { namesRdf, negotiateRdfFormat, prefersPage } from './content-negotiation.js';
import { describesLink, linkHeader } from './landing-page.js';
import { COMPLETE_UP_TO, cursorAfter, DEFAULT_PAGE_SIZE, describePage, idOfCursor, MAX_PAGE_SIZE, withQuery } from './hydra-paging.js';

const { namedNode } = DataFactory;

export interface DcatRouterDependencies {
  orm: Orm;
  /** Public base URL of the catalogue; every IRI and link in the RDF is built on it. */
  baseUrl: string;
  /** SMALL_COUNT_THRESHOLD: counts of people are disclosed as to anonymous GraphQL callers. */
  smallCountThreshold: number;
  /** The web catalogue's page, answered instead of RDF when a browser asks for a dataset IRI. */
  sendPage?: (req: Request, res: Response, status: number) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The harvestable catalogue (DCAT-AP 3 / HealthDCAT-AP) and its FAIR Data Point, content-negotiated as
 * Turtle, JSON-LD, RDF/XML or N-Triples. Every IRI the output mints is served here:
 *   GET /dcat/catalog?pageSize=&cursor=&modifiedSince=&includeWithdrawn=   the harvest listing (Hydra, keyset)
 *   GET /dcat/datasets/:id, /dcat/distributions/:id                         one dataset or distribution
 *   GET /dcat/organisations/:id, /dcat/access-bodies/:id, /dcat/studies/:id, /dcat/evaluations/:id
 *   GET /fdp                                                                the FAIR Data Point (repository)
 *   GET / asking for RDF                                                    303 to the FAIR Data Point
 * Drafts are never served (404). Withdrawn datasets leave the listing, because harvesters delete by
 * absence; their IRIs answer 410 Gone with a tombstone, and ?includeWithdrawn=true lists them for auditors.
 */
export function dcatRouter(deps: DcatRouterDependencies): express.Router {
  const router = express.Router();
  const iris = new CatalogueIris(deps.baseUrl);
  /** What every document is described with besides its records. */
  const publishing = { iris, smallCountThreshold: deps.smallCountThreshold };

  router.get('/dcat/catalog', async (req, res) => {
    const format = chooseFormat(req);
    const pageSize = pageSizeOf(req);
    const afterId = cursorOf(req);
    const filter: ListingFilter = { modifiedSince: modifiedSinceOf(req), includeWithdrawn: flagOf(req, 'includeWithdrawn') };
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    // Before the listing's statements, so that every change it cannot see yet is stamped at or after it.
    const completeUpTo = await listingCompleteUpTo(em);
    const totalItems = await countDatasets(em, filter);
    const page = await findDatasetPage(em, { ...filter, afterId, limit: pageSize + 1 });
    const datasets = page.slice(0, pageSize);
    const { records, ...related } = await completeRecords(em, datasets, catalogue);

    const describer = new CatalogueDescriber({ ...publishing, catalogue, ...related });
    const catalog = describer.catalog();
    describer.listDatasets(datasets.map((dataset) => dataset.identifier));
    for (const record of records) describer.dataset(record);
    if (!afterId) {
      // The first page, which is what the catalogue's IRI gives, links every dataset of the listing, so a
      // FAIR Data Point client that follows only ldp:contains finds them all without Hydra.
      const members = (await findListedIdentifiers(em, filter)).map((identifier) => iris.dataset(identifier));
      describeContainer(describer.graph, `${iris.catalog()}#datasets`, catalog, dcat('dataset'), members);
    }
    const listing: [string, string | number | undefined][] = [
      ['modifiedSince', filter.modifiedSince?.toISOString()],
      ['includeWithdrawn', filter.includeWithdrawn ? 'true' : undefined],
    ];
    const pageUrl = (cursor: string | undefined) => withQuery(iris.catalog(), [...listing, ['pageSize', pageSize], ['cursor', cursor]]);
    const last = datasets[datasets.length - 1];
    describePage(describer.graph, {
      collection: withQuery(iris.catalog(), listing),
      totalItems,
      self: pageUrl(afterId ? cursorAfterOf(req) : undefined),
      first: pageUrl(undefined),
      next: page.length > pageSize && last ? pageUrl(cursorAfter(last.id)) : null,
      listing: iris.catalog(),
    });
    // A header, not a statement of the page: the page's ETag stays that of its content.
    if (completeUpTo) res.set(COMPLETE_UP_TO, completeUpTo.toISOString());
    await sendRdf(res, format, describer.quads, related.catalogueModified, 200, completeUpTo ?? new Date());
  });

  router.get('/dcat/datasets/:id', async (req, res) => {
    const page = deps.sendPage && prefersPage(req.get('accept'), parameter(req, 'format'));
    const format = page ? null : chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const dataset = await findDataset(em, req.params.id);
    if (page) return deps.sendPage!(req, res, !dataset ? 404 : dataset.status === RecordStatus.WITHDRAWN ? 410 : 200);
    if (!dataset) throw RequestProblem.notFound(`no dataset "${req.params.id}" in the catalogue`);
    const { records, ...related } = await completeRecords(em, [dataset], catalogue);
    const describer = new CatalogueDescriber({ ...publishing, catalogue, ...related });
    // FAIR Signposting: the document names the landing page it describes (a withdrawn dataset keeps its page).
    res.set('link', linkHeader([describesLink(iris, dataset.identifier)]));
    if (dataset.status === RecordStatus.WITHDRAWN) {
      describeTombstone(describer, dataset);
      await sendRdf(res, format!, describer.quads, metadataModifiedOf(dataset), 410);
      return;
    }
    describer.dataset(records[0]!);
    await sendRdf(res, format!, describer.quads, metadataModifiedOf(dataset));
  });

  router.get('/dcat/distributions/:id', async (req, res) => {
    const format = chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const dataset = UUID.test(req.params.id) ? await findDatasetOfDistribution(em, req.params.id) : null;
    const distribution = dataset?.distributions.getItems().find((candidate) => candidate.id === req.params.id);
    if (!dataset || !distribution) throw RequestProblem.notFound(`no distribution "${req.params.id}" in the catalogue`);
    const { records, ...related } = await completeRecords(em, [dataset], catalogue);
    const describer = new CatalogueDescriber({ ...publishing, catalogue, ...related });
    if (dataset.status === RecordStatus.WITHDRAWN) {
      // The distribution went with its dataset: say so, and point at the dataset's tombstone. It is described as
      // the listing of withdrawn datasets describes it, with the access URL DCAT-AP asks of every distribution.
      const node = describer.distribution(records[0]!, distribution);
      describer.graph.add(describeTombstone(describer, dataset), dcat('distribution'), node);
      await sendRdf(res, format, describer.quads, metadataModifiedOf(dataset), 410);
      return;
    }
    const node = describer.distribution(records[0]!, distribution);
    describer.graph.add(namedNode(iris.dataset(dataset.identifier)), dcat('distribution'), node);
    await sendRdf(res, format, describer.quads, metadataModifiedOf(dataset));
  });

  /** Serves the records, besides datasets, whose IRIs the output mints. */
  function serveRecords<T extends CatalogueRecord>(
    kind: string,
    noun: string,
    entity: EntityClass<T>,
    describe: (describer: CatalogueDescriber, record: T) => void,
  ): void {
    router.get(`/dcat/${kind}/:id`, async (req, res) => {
      const format = chooseFormat(req);
      const em = deps.orm.em.fork();
      const catalogue = await requireCatalogue(em);
      const record = await findServedRecord(em, entity, req.params.id as string);
      if (!record) throw RequestProblem.notFound(`no ${noun} "${req.params.id}" in the catalogue`);
      const { bodiesOperatedBy, catalogueModified } = await completeRecords(em, [], catalogue, record instanceof Organisation ? [record] : []);
      const describer = new CatalogueDescriber({ ...publishing, catalogue, bodiesOperatedBy, catalogueModified });
      describe(describer, record);
      const modified = await recordDocumentModified(em, catalogue, record);
      await sendRdf(res, format, describer.quads, modified, record.status === RecordStatus.WITHDRAWN ? 410 : 200);
    });
  }
  serveRecords('organisations', 'organisation', Organisation, (describer, record) => describer.organisation(record));
  serveRecords('access-bodies', 'access body', DataAccessBody, (describer, record) => describer.accessBody(record));
  serveRecords('studies', 'study', Study, (describer, record) => describer.study(record));
  serveRecords('evaluations', 'health-economic evaluation', HealthEconomicEvaluation, (describer, record) => describer.evaluation(record));

  // The server's address is the web catalogue's home page. A client asking for RDF there (a FAIR Data Point
  // index or client given the server's address, where the FDP specification puts the repository) is sent on
  // to the FAIR Data Point.
  router.get('/', (req, res, next) => {
    res.vary('Accept');
    const format = parameter(req, 'format');
    if (!namesRdf(req.get('accept'), format)) return next();
    res.redirect(303, withQuery(iris.fdp(), [['format', format]]));
  });

  router.get('/fdp', async (req, res) => {
    const format = chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const { bodiesOperatedBy, catalogueModified } = await completeRecords(em, [], catalogue);
    const describer = new CatalogueDescriber({ ...publishing, catalogue, bodiesOperatedBy, catalogueModified });
    describeRepository(describer, iris);
    await sendRdf(res, format, describer.quads, catalogueModified);
  });

  return router;
}

async function requireCatalogue(em: EntityManager): Promise<Catalogue> {
  const catalogue = await findCatalogue(em);
  if (!catalogue) throw RequestProblem.notFound('no catalogue has been set up yet');
  return catalogue;
}

/** One value of a query parameter; repeating it is an error rather than a silent pick. */
function parameter(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw RequestProblem.badParameter(name, 'give this query parameter once');
  return value;
}

function chooseFormat(req: Request): RdfFormat {
  const requested = parameter(req, 'format');
  const format = negotiateRdfFormat(req.get('accept'), requested);
  if (format) return format;
  if (requested?.trim()) {
    throw RequestProblem.badParameter('format', `unknown format "${requested}": use ttl, jsonld, rdf or nt (or the media types ${rdfFormats.join(', ')})`);
  }
  throw new RequestProblem(
    406,
    'NOT_ACCEPTABLE',
    `this resource is available as ${rdfFormats.join(', ')}, none of which the Accept header "${req.get('accept')}" allows`,
  );
}

function pageSizeOf(req: Request): number {
  const pageSize = wholeNumber(req, 'pageSize') ?? DEFAULT_PAGE_SIZE;
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw RequestProblem.badParameter('pageSize', `must be between 1 and ${MAX_PAGE_SIZE}`);
  if (parameter(req, 'page') !== undefined) {
    throw RequestProblem.badParameter('page', 'is not a parameter of this listing: follow the hydra:next links (they carry a cursor)');
  }
  return pageSize;
}

function cursorAfterOf(req: Request): string | undefined {
  return parameter(req, 'cursor');
}

/** The dataset id the requested page continues after; undefined for the first page. */
function cursorOf(req: Request): string | undefined {
  const cursor = cursorAfterOf(req);
  if (cursor === undefined) return undefined;
  const id = idOfCursor(cursor);
  if (!id) throw RequestProblem.badParameter('cursor', `"${cursor}" is not one this server issued: start from the first page`);
  return id;
}

function flagOf(req: Request, name: string): boolean {
  const value = parameter(req, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw RequestProblem.badParameter(name, `must be true or false, not "${value}"`);
}

function wholeNumber(req: Request, name: string): number | undefined {
  const value = parameter(req, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) throw RequestProblem.badParameter(name, `must be a whole number, not "${value}"`);
  return Number(value);
}

/** ?modifiedSince= as an instant; a date-time without offset is read as UTC, a date as its UTC midnight. */
function modifiedSinceOf(req: Request): Date | undefined {
  const value = parameter(req, 'modifiedSince');
  if (value === undefined) return undefined;
  const text = value.trim();
  const match = ISO_DATE_OR_DATE_TIME.exec(text);
  // Date parsing rolls 2026-02-30 over into March, so the calendar date is checked on its own.
  const date = match && isIsoCalendarDate(text.slice(0, 10)) ? new Date(text.includes('T') && !match[1] ? `${text}Z` : text) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw RequestProblem.badParameter('modifiedSince', `must be an ISO 8601 date or date-time (e.g. 2026-01-31 or 2026-01-31T12:00:00Z), not "${value}"`);
  }
  return date;
}

/**
 * A document, with when it last changed (its dct:modified) as Last-Modified, to the second as HTTP dates go.
 * Express answers a GET of a 2xx document 304 when its ETag matches If-None-Match or, only when there is no
 * If-None-Match, when it has not changed since If-Modified-Since (RFC 9110 13.2.2); a 410 is never a 304.
 * A document that changed in the second still running gets no Last-Modified (its ETag only): a change later
 * in that second would give it the same date, and a client holding this one would be told 304. `settled` is
 * the instant before which no change can still appear: now, or for the listing the instant it is complete up to,
 * as a transaction open since before it may commit a change dated then.
 */
async function sendRdf(res: Response, format: RdfFormat, quads: readonly RDF.Quad[], modified: Date, status = 200, settled = new Date()): Promise<void> {
  const body = await serialize(quads, format, publishedPrefixes);
  res.status(status).vary('Accept').type(`${format}; charset=utf-8`);
  if (toSecond(modified) < toSecond(settled)) res.set('Last-Modified', modified.toUTCString());
  res.send(body);
}

const toSecond = (time: Date): number => Math.floor(time.getTime() / 1000);
