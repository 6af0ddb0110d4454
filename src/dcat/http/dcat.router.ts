import type { EntityManager } from '@mikro-orm/postgresql';
import type * as RDF from '@rdfjs/types';
import express, { type Request, type Response } from 'express';
import { DataFactory } from 'n3';
import type { Catalogue } from '../../catalogue/catalogue.entity.js';
import { isIsoCalendarDate } from '../../core/validation.js';
import type { Orm } from '../../db/orm.js';
import { CatalogueDescriber, publishedPrefixes } from '../profiles/describer.js';
import {
  completeRecords, countDatasets, findCatalogue, findDataset, findDatasetIdentifiers, findDatasetOfDistribution,
  findDatasetPage,
} from '../catalogue-source.js';
import { describeMembers, describeRecord, describeRepository } from '../profiles/fdp/fdp.writer.js';
import { DEFAULT_PAGE_SIZE, describePage, MAX_PAGE_SIZE, type Paging, withQuery } from './hydra-paging.js';
import { CatalogueIris } from '../iris.js';
import { dcat } from '../namespaces.js';
import { type RdfFormat, rdfFormats } from '../rdf/formats.js';
import { serialize } from '../rdf/serialize.js';
import { negotiateRdfFormat, prefersPage } from './content-negotiation.js';

const { namedNode } = DataFactory;

export interface DcatRouterDependencies {
  orm: Orm;
  /** Public base URL of the catalogue; every IRI and link in the RDF is built on it. */
  baseUrl: string;
  log?: (line: string) => void;
  /** The web catalogue's page, answered instead of RDF when a browser asks for a dataset IRI. */
  sendPage?: (req: Request, res: Response, status: number) => void;
}

/** A request the client can fix: answered with its status and a plain-text explanation. */
class RequestProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The harvestable catalogue (DCAT-AP 3 / HealthDCAT-AP) and its FAIR Data Point, content-negotiated as
 * Turtle, JSON-LD, RDF/XML or N-Triples:
 *   GET /dcat/catalog?page=&pageSize=&modifiedSince=   the catalogue, a page of datasets at a time (Hydra)
 *   GET /dcat/datasets/:id                              one dataset (public identifier or Relay id)
 *   GET /fdp, /fdp/catalog/:id, /fdp/dataset/:id, /fdp/distribution/:id   FAIR Data Point records
 * Drafts never appear; withdrawn datasets do, marked as withdrawn.
 */
export function dcatRouter(deps: DcatRouterDependencies): express.Router {
  const router = express.Router();
  const iris = new CatalogueIris(deps.baseUrl);

  router.get('/dcat/catalog', async (req, res) => {
    const format = chooseFormat(req);
    const paging = pagingOf(req);
    const modifiedSince = modifiedSinceOf(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const totalItems = await countDatasets(em, modifiedSince);
    const datasets = await findDatasetPage(em, { modifiedSince, offset: (paging.page - 1) * paging.pageSize, limit: paging.pageSize });
    const { records, bodiesOperatedBy } = await completeRecords(em, datasets, catalogue);

    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    describer.catalog();
    describer.listDatasets(datasets.map((dataset) => dataset.identifier));
    for (const record of records) describer.dataset(record);
    const since = modifiedSince?.toISOString();
    describePage(describer.graph, {
      ...paging,
      totalItems,
      collection: withQuery(iris.catalog(), [['modifiedSince', since]]),
      pageUrl: (page) => withQuery(iris.catalog(), [['modifiedSince', since], ['page', page], ['pageSize', paging.pageSize]]),
    });
    await sendRdf(res, format, describer.quads);
  });

  router.get('/dcat/datasets/:id', async (req, res) => {
    const page = deps.sendPage && prefersPage(req.get('accept'), parameter(req, 'format'));
    const format = page ? null : chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const dataset = await findDataset(em, req.params.id);
    if (page) return deps.sendPage!(req, res, dataset ? 200 : 404);
    if (!dataset) throw new RequestProblem(404, `No dataset "${req.params.id}" in the catalogue.`);
    const { records, bodiesOperatedBy } = await completeRecords(em, [dataset], catalogue);
    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    describer.dataset(records[0]!);
    await sendRdf(res, format!, describer.quads);
  });

  router.get('/fdp', async (req, res) => {
    const format = chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const { bodiesOperatedBy } = await completeRecords(em, [], catalogue);
    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    describeRepository(describer, iris);
    await sendRdf(res, format, describer.quads);
  });

  router.get('/fdp/catalog/:id', async (req, res) => {
    const format = chooseFormat(req);
    const paging = pagingOf(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    if (req.params.id !== catalogue.identifier) throw new RequestProblem(404, `No catalog "${req.params.id}" in this FAIR Data Point.`);
    const totalItems = await countDatasets(em);
    const identifiers = await findDatasetIdentifiers(em, { offset: (paging.page - 1) * paging.pageSize, limit: paging.pageSize });
    const { bodiesOperatedBy } = await completeRecords(em, [], catalogue);

    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    const record = iris.fdpCatalog(catalogue.identifier);
    const catalog = describer.catalog();
    describer.listDatasets(identifiers);
    describeRecord(describer.graph, record, catalog, catalogue, iris.fdp());
    const container = `${record}#datasets`;
    describeMembers(describer.graph, container, catalog, dcat('dataset'), identifiers.map((identifier) => iris.fdpDataset(identifier)));
    describePage(describer.graph, {
      ...paging,
      totalItems,
      collection: container,
      pageUrl: (page) => withQuery(record, [['page', page], ['pageSize', paging.pageSize]]),
    });
    await sendRdf(res, format, describer.quads);
  });

  router.get('/fdp/dataset/:id', async (req, res) => {
    const format = chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const dataset = await findDataset(em, req.params.id);
    if (!dataset) throw new RequestProblem(404, `No dataset "${req.params.id}" in this FAIR Data Point.`);
    const { records, bodiesOperatedBy } = await completeRecords(em, [dataset], catalogue);
    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    const node = describer.dataset(records[0]!);
    const record = iris.fdpDataset(dataset.identifier);
    describeRecord(describer.graph, record, node, dataset, iris.fdpCatalog(catalogue.identifier));
    const distributions = [...dataset.distributions].map((distribution) => iris.fdpDistribution(distribution.id)).sort();
    describeMembers(describer.graph, `${record}#distributions`, node, dcat('distribution'), distributions);
    await sendRdf(res, format, describer.quads);
  });

  router.get('/fdp/distribution/:id', async (req, res) => {
    const format = chooseFormat(req);
    const em = deps.orm.em.fork();
    const catalogue = await requireCatalogue(em);
    const dataset = UUID.test(req.params.id) ? await findDatasetOfDistribution(em, req.params.id) : null;
    const distribution = dataset?.distributions.getItems().find((candidate) => candidate.id === req.params.id);
    if (!dataset || !distribution) throw new RequestProblem(404, `No distribution "${req.params.id}" in this FAIR Data Point.`);
    const { records, bodiesOperatedBy } = await completeRecords(em, [dataset], catalogue);
    const describer = new CatalogueDescriber({ iris, catalogue, bodiesOperatedBy });
    const node = describer.distribution(records[0]!, distribution);
    describer.graph.add(namedNode(iris.dataset(dataset.identifier)), dcat('distribution'), node);
    describeRecord(describer.graph, iris.fdpDistribution(distribution.id), node, dataset, iris.fdpDataset(dataset.identifier));
    await sendRdf(res, format, describer.quads);
  });

  // Problems the client can fix keep their message; anything else is logged and masked (never a stack trace).
  router.use((error: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    if (error instanceof RequestProblem) {
      res.status(error.status).type('text/plain').send(`${error.message}\n`);
      return;
    }
    (deps.log ?? ((line: string) => console.error(line)))(`GET ${req.originalUrl} failed: ${(error as Error)?.stack ?? String(error)}`);
    res.status(500).type('text/plain').send('Internal server error.\n');
  });
  return router;
}

async function requireCatalogue(em: EntityManager): Promise<Catalogue> {
  const catalogue = await findCatalogue(em);
  if (!catalogue) throw new RequestProblem(404, 'No catalogue has been set up yet.');
  return catalogue;
}

/** One value of a query parameter; repeating it is an error rather than a silent pick. */
function parameter(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RequestProblem(400, `Give the query parameter "${name}" once.`);
  return value;
}

function chooseFormat(req: Request): RdfFormat {
  const requested = parameter(req, 'format');
  const format = negotiateRdfFormat(req.get('accept'), requested);
  if (format) return format;
  if (requested?.trim()) {
    throw new RequestProblem(400, `Unknown format "${requested}": use ttl, jsonld, rdf or nt (or the media types ${rdfFormats.join(', ')}).`);
  }
  throw new RequestProblem(
    406,
    `Not acceptable: this resource is available as ${rdfFormats.join(', ')}, none of which the Accept header "${req.get('accept')}" allows.`,
  );
}

function pagingOf(req: Request): Paging {
  const page = wholeNumber(req, 'page') ?? 1;
  const pageSize = wholeNumber(req, 'pageSize') ?? DEFAULT_PAGE_SIZE;
  if (page < 1) throw new RequestProblem(400, 'page counts from 1.');
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new RequestProblem(400, `pageSize must be between 1 and ${MAX_PAGE_SIZE}.`);
  return { page, pageSize };
}

function wholeNumber(req: Request, name: string): number | undefined {
  const value = parameter(req, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) throw new RequestProblem(400, `${name} must be a whole number, not "${value}".`);
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
    throw new RequestProblem(400, `modifiedSince must be an ISO 8601 date or date-time (e.g. 2026-01-31 or 2026-01-31T12:00:00Z), not "${value}".`);
  }
  return date;
}

async function sendRdf(res: Response, format: RdfFormat, quads: readonly RDF.Quad[]): Promise<void> {
  const body = await serialize(quads, format, publishedPrefixes);
  res.status(200).vary('Accept').type(`${format}; charset=utf-8`).send(body);
}
