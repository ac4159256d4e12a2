import { dsqlEndpointKind } from '../endpoint';
import { COMPLIANT, DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-E1: an interface endpoint to a cluster's connection service with private DNS off.
 *
 * `PrivateDnsEnabled` is false when absent. Without it the cluster host names do not resolve to the endpoint
 * inside the VPC, and clients that connect to the public host name leave the private path.
 */
export const endpointPrivateDns: DsqlRule = {
  id: 'DSQL-E1',
  level: 'warning',
  summary: 'Interface endpoint to a DSQL connection service with private DNS off',
  reason: 'The interface endpoint to the Aurora DSQL connection service has private DNS off, so the cluster host names do not resolve '
    + 'to it and clients that use them go over the internet instead',
  fix: 'Set PrivateDnsEnabled to true (DsqlPrivateLinkEndpoint does by default), with DNS support and DNS host names on in the VPC.',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource) {
    if (dsqlEndpointKind(resource) !== 'connection') return NOT_APPLICABLE;
    const value = resource.properties.PrivateDnsEnabled;
    if (value === true || value === 'true') return COMPLIANT;
    if (value === undefined || value === false || value === 'false') {
      return findings([value === undefined ? 'PrivateDnsEnabled is not set (false)' : 'PrivateDnsEnabled is false']);
    }
    return NOT_APPLICABLE;
  },
};
