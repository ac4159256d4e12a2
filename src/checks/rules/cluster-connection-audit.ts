import { fieldSelectorsOf, recordsEvents, selectsConnections } from '../../private/facts/cloudtrail';
import { COMPLIANT, DsqlRule, NOT_APPLICABLE, ResourceView, findings } from '../rule';

const AUDIT_TYPES = ['AWS::CloudTrail::Trail', 'AWS::CloudTrail::EventDataStore'];

/**
 * DSQL-C5: a cluster whose connection attempts no trail or event data store of its stack records. In the strict
 * level only (most apps audit elsewhere, or not yet): `DsqlSecurityChecks({ strict: true })`, or
 * `ruleLevels: { 'DSQL-C5': DsqlCheckLevel.WARNING }`.
 */
export const clusterConnectionAudit: DsqlRule = {
  id: 'DSQL-C5',
  level: 'warning',
  strict: true,
  summary: 'Cluster whose connection attempts (`DbConnect`, `DbConnectAdmin` data events) no trail or event data store of its stack records',
  reason: 'No CloudTrail trail or event data store in the stack selects the data events of this Aurora DSQL cluster, so nobody can tell who connected',
  fix: 'Add a connection audit (cluster.addConnectionAudit(id) or DsqlConnectionAudit), or suppress with the name of the trail that records it elsewhere.',
  resourceTypes: ['AWS::DSQL::Cluster'],
  evaluate(resource, template) {
    const arn = { 'Fn::GetAtt': [resource.logicalId, 'ResourceArn'] };
    const same = (v: unknown) => JSON.stringify(v) === JSON.stringify(arn);
    // A reference to this cluster's ARN matches; any other value (a literal, another reference) cannot be shown to.
    const tests = {
      equals: (v: unknown) => (same(v) ? true : typeof v === 'object' && v !== null && !hasLiteralArn(v) ? false : undefined),
      startsWith: () => undefined,
      endsWith: () => undefined,
    };
    const audits: ResourceView[] = AUDIT_TYPES.flatMap((type) =>
      template.ofType ? template.ofType(type) : [...template.resources.values()].filter((r) => r.type === type));
    let unknown = false;
    for (const audit of audits) {
      if (!recordsEvents(audit.type, audit.properties)) continue;
      const selectors = audit.properties.AdvancedEventSelectors;
      if (!Array.isArray(selectors)) continue;
      for (const selector of selectors) {
        const fields = fieldSelectorsOf(selector);
        const verdict = fields === undefined ? undefined : selectsConnections(fields, tests);
        if (verdict === true) return COMPLIANT;
        if (verdict === undefined) unknown = true;
      }
    }
    if (unknown) return NOT_APPLICABLE;
    return findings([audits.length === 0 ? 'the stack has no trail or event data store' : `none of the ${audits.length} trails or event data stores of the stack selects it`]);
  },
};

/** Whether a resolved value may hold a literal ARN (a join with text, an import): then it is not shown to differ. */
function hasLiteralArn(v: unknown): boolean {
  return JSON.stringify(v).includes(':dsql:') || JSON.stringify(v).includes('Fn::ImportValue');
}
