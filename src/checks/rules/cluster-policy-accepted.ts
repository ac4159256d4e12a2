import { bpaRejects } from '../../private/policy/predicates';
import { PolicyStatement, baseOperator, policyStatements, principalAccounts } from '../policy';
import { DsqlRule, NOT_APPLICABLE, findings } from '../rule';
import { flatten } from '../template';

/**
 * DSQL-C3: a cluster resource policy that Aurora DSQL rejects at deploy time.
 *
 * - Block public access refuses a policy that grants to `*` unless a trusted condition key (aws:PrincipalAccount,
 *   aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceVpc, aws:SourceVpce…) restricts it with values that contain no
 *   wildcard or variable ("Blocking public access with resource-based policies",
 *   https://docs.aws.amazon.com/aurora-dsql/latest/userguide/rbp-block-public-access.html). `aws:SourceIp` alone is
 *   not such a key.
 * - Resource-based policies grant to principals of the cluster's own account only; cross-account access is not
 *   supported ("Resource-based policies for Aurora DSQL").
 */
export const clusterPolicyAccepted: DsqlRule = {
  id: 'DSQL-C3',
  level: 'error',
  summary: 'Cluster resource policy that allows `*` without a trusted restricting condition (rejected by block public access), or names another account',
  reason: 'The Aurora DSQL cluster policy allows every principal without a trusted restricting condition, or names another account; '
    + 'DSQL rejects such a policy (block public access, same-account only) and the deployment fails',
  fix: 'Write restrictions as Deny statements (SecureDsqlCluster connectConditions), or restrict each Allow to * with a literal '
    + 'aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceVpc or aws:SourceVpce condition; name only principals of the cluster\'s account.',
  resourceTypes: ['AWS::DSQL::Cluster'],
  evaluate(resource, template) {
    const statements = policyStatements(resource.properties.PolicyDocument);
    if (!statements) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const st of statements) {
      if (st.effect !== 'Allow') continue;
      if (bpaRejects(st.model)) {
        problems.push(`${st.label} allows ${st.notPrincipal !== undefined ? 'every principal but the NotPrincipal' : '*'} `
          + 'without a trusted restricting condition');
      }
      if (template.account) {
        const others = [...principalAccounts(st.principal), ...conditionAccounts(st)].filter((a) => a !== template.account);
        if (others.length > 0) problems.push(`${st.label} names account ${[...new Set(others)].join(', ')}, not the cluster's ${template.account}`);
      }
    }
    return findings(problems);
  },
};

/** Accounts that positive `aws:PrincipalAccount` and `aws:PrincipalArn` conditions of a statement admit. */
function conditionAccounts(st: PolicyStatement): string[] {
  const out: string[] = [];
  for (const c of st.conditions) {
    const key = c.key.toLowerCase();
    if (key !== 'aws:principalaccount' && key !== 'aws:principalarn') continue;
    if (/Not/.test(baseOperator(c.operator))) continue;
    out.push(...principalAccounts({ AWS: c.values.map(flatten).filter((v) => v !== undefined) }));
  }
  return out;
}
