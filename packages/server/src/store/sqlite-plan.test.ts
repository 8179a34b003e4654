import { describe, expect, it } from 'vitest';
import { placementOf } from './sqlite-plan.ts';

// Plans as SQLite 3.53 prints them for the store's list queries (EXPLAIN QUERY PLAN, `detail`).
describe('placementOf', () => {
  it('keeps lookups by a key on the event loop', () => {
    for (const plan of [
      ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)'],
      ['SEARCH r USING INDEX sqlite_autoindex_resources_1 (tenant=? AND id=?)'],
      [
        'SEARCH r USING INDEX resources_type (tenant=? AND resource_type=? AND seq=?)',
        'LIST SUBQUERY 1',
        'SEARCH v USING INDEX resource_values_lookup (tenant=? AND resource_type=? AND attribute=? AND value=?)',
        'SEARCH vr USING COVERING INDEX sqlite_autoindex_resources_1 (tenant=? AND id=?)',
        'SCAN e1 EXISTS VIRTUAL TABLE INDEX 3:',
      ],
      ['SEARCH resource_counts USING PRIMARY KEY (tenant=? AND resource_type=?)'],
    ]) {
      expect(placementOf([plan], false)).toBe('inline');
    }
  });

  it('sends scans, sorts in a temporary B-tree and walks of a whole type to a reader', () => {
    for (const plan of [
      ['SEARCH r USING INDEX resources_display_name (tenant=? AND resource_type=?)'],
      ['SCAN r'],
      [
        'SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)',
        'USE TEMP B-TREE FOR ORDER BY',
      ],
      ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>>?)'],
      [
        'MULTI-INDEX OR',
        'INDEX 1',
        'SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)',
        'INDEX 2',
        'SEARCH r USING INDEX resources_type (tenant=? AND resource_type=?)',
      ],
    ]) {
      expect(placementOf([plan], false)).toBe('reader');
    }
  });

  it('keeps a short walk of an unfiltered page on the event loop, unless it sorts', () => {
    const walk = ['SEARCH r USING INDEX resources_type (tenant=? AND resource_type=?)'];
    expect(placementOf([walk], true)).toBe('inline');
    expect(placementOf([walk], false)).toBe('reader');
    expect(placementOf([[...walk, 'USE TEMP B-TREE FOR ORDER BY']], true)).toBe('reader');
  });

  it('places a job by its costliest statement', () => {
    const lookup = ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)'];
    expect(placementOf([lookup, ['SCAN r']], false)).toBe('reader');
    expect(placementOf([lookup, lookup], false)).toBe('inline');
  });
});
