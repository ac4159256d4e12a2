import { dsqlEndpointKind } from '../endpoint';
import { COMPLIANT, DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-E5: an interface endpoint to a cluster's connection service without an endpoint policy. Without
 * `PolicyDocument` PrivateLink applies the default endpoint policy, which allows every principal, of any account,
 * every action on every resource of the service: any cluster of the service name, not just yours
 * (AWS PrivateLink guide, "Control access to VPC endpoints using endpoint policies"). DsqlPrivateLinkEndpoint
 * always writes one (connect to the served clusters, principals of their accounts).
 */
export const endpointPolicy: DsqlRule = {
  id: 'DSQL-E5',
  level: 'warning',
  summary: 'Interface endpoint to a cluster\'s connection service without an endpoint policy (the default allows everything)',
  reason: 'The Aurora DSQL connection endpoint has no endpoint policy, so the default policy lets every principal of any account '
    + 'connect through it to any cluster of the service',
  fix: 'Give the endpoint a policy that allows dsql:DbConnect (and DbConnectAdmin where needed) on your clusters to principals of your '
    + 'account (DsqlPrivateLinkEndpoint writes one; with InterfaceVpcEndpoint, addToPolicy).',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource) {
    if (dsqlEndpointKind(resource) !== 'connection') return NOT_APPLICABLE;
    if (resource.properties.PolicyDocument !== undefined) return COMPLIANT;
    return findings(['no PolicyDocument: the default endpoint policy allows every principal every action on every resource']);
  },
};
