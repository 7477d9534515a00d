/**
 * Registers the migration search attributes (workflows/published.ts) in the namespace when they
 * are missing, so runs can carry them and list filters can use them. The dev server gets them at
 * start; a server started otherwise (docker-compose, a cluster) gets them here, through the
 * operator service. Where that is not allowed (Temporal Cloud: use `tcld` or the Cloud UI), runs
 * start without them and only the filters that need them are unavailable.
 */
import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/published';

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/** `--search-attribute` values for `temporal server start-dev` (e.g. `MigrationName=Text`). */
export function devServerSearchAttributes(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).map((k) => `${k.name}=${k.type === 'TEXT' ? 'Text' : 'Keyword'}`);
}

/** True when every migration search attribute is registered (now or before) with its type. */
export async function ensureSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<boolean> {
  const registered = async () => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missing = (have: Record<string, number>) => Object.values(SEARCH_ATTRIBUTES).filter((k) => have[k.name] === undefined);
  const have = await registered();
  const wanted = missing(have);
  for (const k of Object.values(SEARCH_ATTRIBUTES)) {
    if (have[k.name] !== undefined && have[k.name] !== INDEXED[k.type]) {
      console.error(`search attribute ${k.name} is registered with another type; list filters that need it are off`);
      return false;
    }
  }
  if (wanted.length === 0) return true;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(wanted.map((k) => [k.name, INDEXED[k.type]])),
    });
  } catch (err) {
    // Another API process may have added them meanwhile: what counts is whether they are there now.
    if (missing(await registered()).length === 0) return true;
    console.error(
      `cannot register search attributes ${wanted.map((k) => k.name).join(', ')} (${(err as Error).message}); ` +
        'migrations start without them and the list filters that need them answer 400',
    );
    return false;
  }
  return true;
}
