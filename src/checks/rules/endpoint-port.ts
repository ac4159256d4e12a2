import { CONNECTION_PORT, MANAGEMENT_PORT } from '../../private/facts/ports';
import { describeRule, dsqlEndpointKind, endpointGroups, ingressRules } from '../endpoint';
import { DsqlRule, NOT_APPLICABLE, findings } from '../rule';

/**
 * DSQL-E4: an ingress rule of a DSQL endpoint's security group on another port than the service's: TCP 5432 for
 * the connection endpoint, TCP 443 for the management endpoint. aws-cdk-lib's `InterfaceVpcEndpointService`
 * defaults to 443, where nothing of the connection service listens.
 */
export const endpointPort: DsqlRule = {
  id: 'DSQL-E4',
  level: 'warning',
  summary: 'Ingress rule of a DSQL interface endpoint\'s security group on another port than TCP 5432 (TCP 443 for the management endpoint)',
  reason: 'A security group of the Aurora DSQL interface endpoint admits another port or protocol than the service uses, so either '
    + 'clients cannot connect (e.g. 443 on the connection endpoint) or the rule admits more than it needs',
  fix: 'Admit TCP 5432 only on the connection endpoint (ec2.Port.tcp(5432); new InterfaceVpcEndpointService(name, 5432)), and TCP 443 only on '
    + 'the management endpoint.',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource, template) {
    const kind = dsqlEndpointKind(resource);
    if (!kind) return NOT_APPLICABLE;
    const port = kind === 'connection' ? CONNECTION_PORT : MANAGEMENT_PORT;
    const problems: string[] = [];
    for (const group of endpointGroups(resource, template) ?? []) {
      for (const rule of ingressRules(group, template)) {
        if (typeof rule.ipProtocol !== 'string' && typeof rule.ipProtocol !== 'number') continue; // a token
        const protocol = String(rule.ipProtocol).toLowerCase();
        const tcp = protocol === 'tcp' || protocol === '6';
        if (tcp && (typeof rule.fromPort !== 'number' || typeof rule.toPort !== 'number')) continue; // a token
        if (tcp && rule.fromPort === port && rule.toPort === port) continue;
        problems.push(`${describeRule(group, rule)}, not tcp ${port}`);
      }
    }
    return findings(problems);
  },
};
