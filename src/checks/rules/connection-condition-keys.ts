import { connectionKeyAvailability } from '../../private/facts/condition-keys';
import { dsqlEndpointKind } from '../endpoint';
import { IDENTITY_POLICY_TYPES, identityStatements } from '../identity';
import { PolicyStatement, connectActionsCovered, policyStatements } from '../policy';
import { DsqlRule, NOT_APPLICABLE, ResourceView, findings } from '../rule';

/**
 * DSQL-K1: a statement on the connect actions that uses a condition key Aurora DSQL connections never carry (or that
 * AWS does not document for them). Such a condition never holds the way it reads: an Allow or a positive Deny never
 * matches (the grant or the restriction is void), a negated Deny always matches (everyone is locked out).
 *
 * Inspected: the cluster resource policy, the policy of an endpoint to a connection service, and identity policy
 * statements whose actions name dsql actions (`"*"` alone is left to DSQL-I1: it is rarely written for DSQL).
 */
export const connectionConditionKeys: DsqlRule = {
  id: 'DSQL-K1',
  level: 'error',
  summary: 'Cluster, connection-endpoint or identity policy statement on the connect actions with a condition key DSQL connections never carry '
    + '(e.g. `aws:Referer`, `aws:UserAgent`, `aws:RequestTag/…`, `aws:SourceArn`, `s3:…`, `ec2:Vpc`)',
  reason: 'A policy statement on the Aurora DSQL connect actions uses a condition key that connection requests do not carry, so the '
    + 'condition never holds as written: a grant or a restriction is silently void, or a negated Deny locks everyone out',
  fix: 'Use keys that connections carry: aws:SourceIp, aws:SourceVpc, aws:SourceVpce, aws:VpcSourceIp, aws:PrincipalArn, aws:PrincipalAccount, '
    + 'aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/…, aws:ResourceTag/… (DsqlConnectConditions renders them).',
  resourceTypes: ['AWS::DSQL::Cluster', 'AWS::EC2::VPCEndpoint', ...IDENTITY_POLICY_TYPES],
  evaluate(resource) {
    const labelled = statementsToCheck(resource);
    if (!labelled) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const { label, statement } of labelled) {
      if (connectActionsCovered(statement).length === 0) continue;
      for (const c of statement.conditions) {
        const availability = connectionKeyAvailability(c.key);
        if (!availability.carried) problems.push(`${label}: ${c.key}, ${availability.why}`);
      }
    }
    return findings(problems);
  },
};

function statementsToCheck(resource: ResourceView): Array<{ label: string; statement: PolicyStatement }> | undefined {
  if (resource.type === 'AWS::DSQL::Cluster' || resource.type === 'AWS::EC2::VPCEndpoint') {
    if (resource.type === 'AWS::EC2::VPCEndpoint' && dsqlEndpointKind(resource) !== 'connection') return undefined;
    return (policyStatements(resource.properties.PolicyDocument) ?? []).map((statement) => ({ label: statement.label, statement }));
  }
  return identityStatements(resource).filter(({ statement }) => (statement.actions ?? []).some((a) => /^dsql:/i.test(a)));
}
