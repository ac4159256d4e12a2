import { CONNECT_ACTIONS } from '../../private/facts/actions';
import { connectionKeyAvailability, isRestrictingKey } from '../../private/facts/condition-keys';
import { appliesToEveryone, coversAction, policyStatements } from '../policy';
import { COMPLIANT, DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-C2: a cluster whose resource policy does not restrict the network origin or the principals of connections.
 *
 * In the cluster's own account an identity policy alone lets a role connect (Aurora DSQL user guide, "Resource-based
 * policies": "If an IAM user or role has Aurora DSQL permissions, they can access clusters with no resource-based
 * policy attached"), so an `Allow` in the cluster policy adds no restriction: only a `Deny` that binds every
 * principal does. The rule asks for such Deny statements covering both connect actions, each conditioned on a
 * network key (`aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp`) or a principal key
 * (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:userid`,
 * `aws:PrincipalTag/…`), or unconditioned.
 */
export const clusterPolicyRestricts: DsqlRule = {
  id: 'DSQL-C2',
  level: 'warning',
  summary: 'Cluster without a resource policy whose Deny statements restrict the network origin or the principals of both connect actions',
  reason: 'The Aurora DSQL cluster policy does not restrict where connections come from or who makes them, so any role whose identity policy allows '
    + 'dsql:DbConnect connects from anywhere, over the internet included',
  fix: 'Add a Deny to every principal on dsql:DbConnect and dsql:DbConnectAdmin conditioned on the network or the principals '
    + '(SecureDsqlCluster connectConditions, e.g. { blockPublicAccess: true } or { sourceVpcIds: [vpc.vpcId] }).',
  resourceTypes: ['AWS::DSQL::Cluster'],
  evaluate(resource) {
    const document = resource.properties.PolicyDocument;
    if (document === undefined) return findings(['the cluster has no PolicyDocument']);
    const statements = policyStatements(document);
    if (!statements) return NOT_APPLICABLE; // built at deploy time
    const restricted = new Set<string>();
    for (const st of statements) {
      if (st.effect !== 'Deny' || !appliesToEveryone(st)) continue;
      const keys = st.conditions.map((c) => c.key);
      const restricting = keys.length === 0
        || keys.some((k) => isRestrictingKey(k) && connectionKeyAvailability(k).carried);
      if (!restricting) continue;
      for (const action of CONNECT_ACTIONS) if (coversAction(st, action)) restricted.add(action);
    }
    const open = CONNECT_ACTIONS.filter((a) => !restricted.has(a));
    if (open.length === 0) return COMPLIANT;
    return findings([`no Deny to every principal with a network or principal condition covers ${open.join(' and ')}`]);
  },
};
