import { MANAGEMENT_WRITE_ACTIONS, isConnectAction, isManagementReadAction } from '../../private/facts/actions';
import { PRINCIPAL_KEYS } from '../../private/facts/condition-keys';
import { coveredActions } from '../../private/policy/predicates';
import { dsqlEndpointKind } from '../endpoint';
import { PolicyStatement, appliesToEveryone, baseOperator, hasWildcard, policyStatements } from '../policy';
import { DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-M1: an interface endpoint to the Aurora DSQL management API whose policy lets every principal, of any
 * account, call write actions through it. No `PolicyDocument` means the default endpoint policy: full access.
 */
export const managementEndpointPolicy: DsqlRule = {
  id: 'DSQL-M1',
  level: 'warning',
  summary: 'Management endpoint (`com.amazonaws.<region>.dsql`) whose policy allows write actions to every principal (or no policy: full access)',
  reason: 'The interface endpoint to the Aurora DSQL management API lets principals of any account call write actions '
    + '(DeleteCluster, PutClusterPolicy…) through it',
  fix: 'Give the endpoint a policy that allows the management actions you need to principals of your account only '
    + '(DsqlPrivateLinkEndpoint managementEndpoint: read-only by default, managementActions to widen).',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource) {
    if (dsqlEndpointKind(resource) !== 'management') return NOT_APPLICABLE;
    if (resource.properties.PolicyDocument === undefined) {
      return findings(['no PolicyDocument: the default endpoint policy allows every action to every principal']);
    }
    const statements = policyStatements(resource.properties.PolicyDocument);
    if (!statements) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const st of statements) {
      if (st.effect !== 'Allow' || !appliesToEveryone(st) || restrictsPrincipals(st)) continue;
      // The management writes (MANAGEMENT_WRITE_ACTIONS; the connect actions never use this endpoint), and actions
      // named that the fact base does not know, unless they read (Get, List, Describe).
      const writes = coveredActions(st.model, MANAGEMENT_WRITE_ACTIONS);
      const unknownWrites = (st.actions ?? []).filter((a) => !hasWildcard(a) && /^dsql:/i.test(a) && !/^dsql:(Get|List|Describe)/i.test(a)
        && !isManagementReadAction(a) && !MANAGEMENT_WRITE_ACTIONS.some((w) => w.toLowerCase() === a.toLowerCase()) && !isConnectAction(a));
      if (writes.length + unknownWrites.length > 0) {
        const shown = [...writes.slice(0, 3), ...unknownWrites];
        problems.push(`${st.label} allows ${shown.join(', ')}${writes.length > 3 ? '…' : ''} to every principal`);
      }
    }
    return findings(problems);
  },
};

/** A positive condition on a principal key (the caller's account, ARN, organization). */
function restrictsPrincipals(st: PolicyStatement): boolean {
  return st.conditions.some((c) => PRINCIPAL_KEYS.includes(c.key.toLowerCase())
    && !/Not/.test(baseOperator(c.operator)) && !/IfExists$/i.test(c.operator) && !/^ForAllValues:/i.test(c.operator));
}
