import { inject } from 'vitest';

/**
 * The Elasticsearch node for tests (ELASTICSEARCH_URL, started by scripts/elasticsearch.sh).
 * Without one, Elasticsearch tests are skipped loudly; under CI=true that is a failure instead.
 */
export function elasticsearchForTests(): string | undefined {
  const url = inject('elasticsearchUrl');
  if (url) return url;
  const reason =
    'ELASTICSEARCH_URL is not set: Elasticsearch tests cannot run. Start one with `bash scripts/elasticsearch.sh start`.';
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires it)`);
  console.warn(`\n!!! SKIPPING Elasticsearch tests: ${reason}\n`);
  return undefined;
}

/** A unique index-name prefix so test files never share indices. */
export function uniqueIndexPrefix(label: string): string {
  return `gdcat-test-${label}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes the indices a test created under its own prefix (wildcard deletes are refused by Elasticsearch 8). */
export async function deleteTestIndices(url: string, prefix: string): Promise<void> {
  const listed = await fetch(`${url}/_cat/indices/${prefix}*?h=index&format=json`);
  if (!listed.ok) return;
  for (const { index } of (await listed.json()) as { index: string }[]) {
    await fetch(`${url}/${index}`, { method: 'DELETE' });
  }
}
