import { CONNECT_ACTIONS } from '../../private/facts/actions';
import { IDENTITY_POLICY_TYPES, identityStatements } from '../identity';
import { hasWildcard, statementScopes, wildcardMatch } from '../policy';
import { DsqlRule, findings } from '../rule';

/** DSQL-I1: an identity policy that allows DSQL actions by wildcard (`dsql:*`, `*`, `dsql:Db*`…) or by NotAction. */
export const identityWildcardActions: DsqlRule = {
  id: 'DSQL-I1',
  level: 'error',
  summary: 'Identity policy that allows the connect actions by wildcard (`dsql:*`, `*`, `dsql:Db*`) or through `NotAction`',
  reason: 'An identity policy allows the Aurora DSQL connect actions through a wildcard or NotAction, so it grants dsql:DbConnectAdmin '
    + '(the admin database role) along with everything else',
  fix: 'List the actions the identity needs: dsql:DbConnect on the clusters it uses (DsqlConnectPolicy, cluster.grantConnect), '
    + 'and management actions by name.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  evaluate(resource, template) {
    const problems: string[] = [];
    for (const { label, statement: st } of identityStatements(resource)) {
      if (st.effect !== 'Allow') continue;
      const scopes = statementScopes(st, template);
      if (!scopes.some((s) => s === 'all-clusters' || s === 'cluster')) continue;
      if (st.actions) {
        const wild = st.actions.filter((p) => hasWildcard(p) && CONNECT_ACTIONS.some((a) => wildcardMatch(p, a, true)));
        if (wild.length > 0) problems.push(`${label} allows ${wild.map((p) => `"${p}"`).join(', ')}`);
      } else if (st.notActions && CONNECT_ACTIONS.some((a) => !st.notActions!.some((p) => wildcardMatch(p, a, true)))) {
        problems.push(`${label} allows every action but its NotAction, the connect actions included`);
      }
    }
    return findings(problems);
  },
};
