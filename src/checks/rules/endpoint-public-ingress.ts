import { clientCidrProblem } from '../../private/security-group-rules';
import { describeRule, dsqlEndpointKind, endpointGroups, ingressRules } from '../endpoint';
import { DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-E2: a security group of a DSQL endpoint with an ingress rule from outside the private ranges. Judged by
 * the same function as DsqlPrivateLinkEndpoint's own clients (`clientCidrProblem`), so the two never disagree:
 * an IPv6 block is reported too, since the endpoint has IPv4 addresses only.
 *
 * Not reported for a DsqlPrivateLinkEndpoint, which refuses such rules at synth itself.
 */
export const endpointPublicIngress: DsqlRule = {
  id: 'DSQL-E2',
  level: 'error',
  summary: 'Security group of a DSQL interface endpoint with ingress from outside the private IPv4 ranges (RFC 1918, 100.64.0.0/10) or from IPv6 blocks (the endpoint is IPv4-only)',
  reason: 'A security group of the Aurora DSQL interface endpoint admits addresses outside the private ranges, which only a network '
    + 'that routes public addresses into the VPC could use, and `0.0.0.0/0` admits every network that can reach it',
  fix: 'Admit the clients by security group (DsqlPrivateLinkEndpoint allowedClients or allowFrom), or by private CIDR block only.',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource, template) {
    if (!dsqlEndpointKind(resource) || resource.owner === 'private-link-endpoint') return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const group of endpointGroups(resource, template) ?? []) {
      for (const rule of ingressRules(group, template)) {
        for (const cidr of [rule.cidrIp, rule.cidrIpv6]) {
          if (typeof cidr !== 'string') continue;
          const why = clientCidrProblem(cidr);
          if (why) problems.push(`${describeRule(group, rule)}: ${why}`);
        }
      }
    }
    return findings(problems);
  },
};
