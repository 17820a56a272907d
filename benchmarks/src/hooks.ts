/**
 * Response hooks the benchmarks hand to FuturesSession. A process-pool child
 * imports this module by URL (fnRef(import.meta.url, name)), as Python
 * pickles a module-level function by name, so these must stay module-level
 * exports with no state.
 */
import { fnRef } from '@requests-futures/core';
import { reduceItems, type ItemSummary } from './reduce.js';

interface JsonResponse {
  json(): unknown;
}

/**
 * Parses the body and reduces it where the request ran; returning a value
 * replaces the response (API.md), so only the small summary travels back to
 * the coordinator, not the 50 KB body.
 */
export function reduceToSummary(response: JsonResponse): ItemSummary {
  return reduceItems(response.json() as Parameters<typeof reduceItems>[0]);
}

/** The hook as it travels: this module's URL (a .ts file, run through tsx) and the export's name. */
export const reduceToSummaryHook = fnRef(import.meta.url, 'reduceToSummary');
