import { IDENTITY_POLICY_TYPES, identityStatements } from '../identity';
import { connectActionsCovered, statementScopes } from '../policy';
import { DsqlRule, findings } from '../rule';
import { flatten } from '../template';

/** DSQL-I3: an identity policy that allows a connect action on every cluster (`*`, `…:cluster/*`, NotResource). */
export const identityConnectAllClusters: DsqlRule = {
  id: 'DSQL-I3',
  level: 'error',
  summary: 'Identity policy that allows a connect action on every cluster (`Resource: "*"`, `…:cluster/*`, or `NotResource`)',
  reason: 'An identity policy allows an Aurora DSQL connect action on every cluster, present and future, not on the clusters the identity uses',
  fix: 'Name the cluster ARNs in Resource (DsqlConnectPolicy or cluster.grantConnect(grantee) do).',
  resourceTypes: IDENTITY_POLICY_TYPES,
  evaluate(resource, template) {
    const problems: string[] = [];
    for (const { label, statement: st } of identityStatements(resource)) {
      if (st.effect !== 'Allow') continue;
      const actions = connectActionsCovered(st);
      if (actions.length === 0) continue;
      const scopes = statementScopes(st, template);
      if (!scopes.includes('all-clusters')) continue;
      const where = st.resources
        ? st.resources.filter((_r, i) => scopes[i] === 'all-clusters').map((r) => `"${flatten(r)}"`).join(', ')
        : 'NotResource';
      problems.push(`${label} allows ${actions.join(' and ')} on ${where}`);
    }
    return findings(problems);
  },
};
