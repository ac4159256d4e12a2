/**
 * Connection audits: the CloudTrail trails and event data stores whose advanced event selectors record a
 * cluster's connection attempts (DbConnect / DbConnectAdmin data events), written into each cluster's
 * `auditedBy` (the report says which clusters are audited; the rule pack's DSQL-C5 uses the same predicate).
 */
import type { Base } from './scope';
import type { CollectedCluster } from './types';
import { fieldSelectorsOf, recordsEvents, selectsConnections } from '../../private/facts/cloudtrail';
import { concat, globMatch, lit, strEquals } from '../../private/policy/values';

export function readAudits(input: Base, clusters: readonly CollectedCluster[]): void {
  const { r, parentPath } = input;
  for (const type of ['AWS::CloudTrail::Trail', 'AWS::CloudTrail::EventDataStore']) {
    for (const cfn of r.of(type)) {
      if (!recordsEvents(type, { IsLogging: r.prop(cfn, 'isLogging'), IngestionEnabled: r.prop(cfn, 'ingestionEnabled') })) continue;
      const ctx = r.ctx(cfn);
      const selectors = r.prop(cfn, 'advancedEventSelectors');
      if (!Array.isArray(selectors)) continue;
      const parsed = selectors.map(fieldSelectorsOf).filter((x): x is NonNullable<typeof x> => x !== undefined);
      for (const c of clusters) {
        const arn = c.info.arn;
        const tests = {
          equals: (v: unknown) => { const s = r.str(ctx, v); return s === undefined ? undefined : strEquals(s, arn); },
          startsWith: (v: unknown) => (typeof v === 'string' ? globMatch(concat(lit(v), lit('*')), arn) : undefined),
          endsWith: (v: unknown) => (typeof v === 'string' ? globMatch(concat(lit('*'), lit(v)), arn) : undefined),
        };
        if (parsed.some((sel) => selectsConnections(sel, tests) === true)) c.info.auditedBy.push(parentPath(cfn));
      }
    }
  }
}
