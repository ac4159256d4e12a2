import { DB_CONNECT_ADMIN } from '../../private/facts/actions';
import { IDENTITY_POLICY_TYPES, identityStatements } from '../identity';
import { hasWildcard, statementScopes } from '../policy';
import { DsqlRule, findings } from '../rule';

/**
 * DSQL-I2: an identity policy that allows `dsql:DbConnectAdmin` by name.
 *
 * Not reported for the function of a DsqlDatabaseRole, which must connect as `admin` to create the role and is
 * granted it on its one cluster only.
 */
export const identityConnectAdmin: DsqlRule = {
  id: 'DSQL-I2',
  level: 'warning',
  summary: 'Identity policy that allows `dsql:DbConnectAdmin` (the `admin` database role)',
  reason: 'An identity policy allows dsql:DbConnectAdmin, which logs in as the admin database role: every table, every role, every grant',
  fix: 'Grant dsql:DbConnect and map the identity to a database role with only the privileges it needs (DsqlDatabaseRole); '
    + 'keep DbConnectAdmin for the few identities that administer the database, and suppress this rule for them with a reason.',
  resourceTypes: IDENTITY_POLICY_TYPES,
  evaluate(resource, template) {
    if (resource.owner === 'database-role-handler') return findings([]);
    const problems: string[] = [];
    for (const { label, statement: st } of identityStatements(resource)) {
      if (st.effect !== 'Allow' || !st.actions) continue;
      const named = st.actions.some((p) => !hasWildcard(p) && p.toLowerCase() === DB_CONNECT_ADMIN.toLowerCase());
      if (!named) continue;
      if (statementScopes(st, template).every((s) => s === 'other')) continue;
      problems.push(`${label} allows ${DB_CONNECT_ADMIN}`);
    }
    return findings(problems);
  },
};
