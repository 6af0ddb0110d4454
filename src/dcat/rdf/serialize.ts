import type * as RDF from '@rdfjs/types';
import { Writer, type WriterOptions } from 'n3';
import type { RdfFormat } from './formats.js';
import { toJsonLd } from './json-ld.js';
import { toRdfXml } from './rdf-xml.js';

/**
 * Serializes a graph. All quads must be in the default graph: the catalogue is one graph, and Turtle,
 * N-Triples and RDF/XML could not carry others.
 */
export async function serialize(
  quads: readonly RDF.Quad[],
  format: RdfFormat,
  prefixes: Record<string, string>,
): Promise<string> {
  for (const quad of quads) {
    if (quad.graph.termType !== 'DefaultGraph') {
      throw new Error(`Cannot serialize a quad in named graph <${quad.graph.value}>: only the default graph is supported`);
    }
  }
  switch (format) {
    case 'text/turtle':
      return writeWithN3(quads, { format: 'text/turtle', prefixes: prefixesInUse(quads, prefixes) });
    case 'application/n-triples':
      return writeWithN3(quads, { format: 'application/n-triples' });
    case 'application/ld+json':
      return toJsonLd(quads, prefixesInUse(quads, prefixes));
    case 'application/rdf+xml':
      return toRdfXml(quads, prefixes);
  }
}

/** The prefixes some IRI in the graph starts with, so a small document does not declare the whole list. */
function prefixesInUse(quads: readonly RDF.Quad[], prefixes: Record<string, string>): Record<string, string> {
  const iris = new Set<string>();
  for (const { subject, predicate, object } of quads) {
    for (const term of [subject, predicate, object]) {
      if (term.termType === 'NamedNode') iris.add(term.value);
      else if (term.termType === 'Literal') iris.add(term.datatype.value);
    }
  }
  const used = [...iris];
  return Object.fromEntries(
    Object.entries(prefixes).filter(([, namespace]) => used.some((iri) => iri.startsWith(namespace))),
  );
}

function writeWithN3(quads: readonly RDF.Quad[], options: WriterOptions): Promise<string> {
  const writer = new Writer(options);
  for (const quad of quads) writer.addQuad(quad);
  return new Promise((resolve, reject) => {
    writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result)));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Streaming writers for whole-catalogue exports.

/**
 * Writes quads a batch at a time; `write` hands the batch's text to `out` as one chunk and waits while `out` is
 * full, so an export runs in constant memory without paying a promise and a stream write per triple.
 */
export interface RdfStreamWriter {
  write(quads: readonly RDF.Quad[]): Promise<void>;
  /** Writes the closing punctuation. `out` stays open: the caller owns it. */
  end(): Promise<void>;
}

export function createTurtleStreamWriter(
  out: NodeJS.WritableStream,
  prefixes: Record<string, string>,
): RdfStreamWriter {
  return streamWriter(out, { format: 'text/turtle', prefixes });
}

export function createNTriplesStreamWriter(out: NodeJS.WritableStream): RdfStreamWriter {
  return streamWriter(out, { format: 'application/n-triples' });
}

function streamWriter(out: NodeJS.WritableStream, options: WriterOptions): RdfStreamWriter {
  // n3's Writer appends to this buffer; we pass it on to `out` ourselves because the Writer ignores back-pressure.
  let pending = '';
  const buffer = {
    write(chunk: string, _encoding?: string, done?: () => void): boolean {
      pending += chunk;
      done?.();
      return true;
    },
    end(done?: () => void): void {
      done?.();
    },
  };
  const writer = new Writer(buffer, { ...options, end: false });
  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!out.write(chunk)) await drained(out);
  };
  return {
    async write(quads) {
      for (const quad of quads) {
        if (quad.graph.termType !== 'DefaultGraph') {
          throw new Error(`Cannot stream a quad in named graph <${quad.graph.value}>: only the default graph is supported`);
        }
        writer.addQuad(quad);
      }
      await flush();
    },
    async end() {
      writer.end();
      await flush();
    },
  };
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    // A client that hangs up mid-export closes the stream without ever draining it.
    const onClose = (): void => settle(new Error('The output stream closed before the export finished'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}
