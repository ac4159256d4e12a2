import { cidrProblem, isPrivateCidr, parseCidr } from '../../private/cidr';
import { describeRule, dsqlEndpointKind, endpointGroups, ingressRules, referencesVpcCidr, vpcCidrBlocks } from '../endpoint';
import { DsqlRule, NOT_APPLICABLE, findings } from '../rule';
import { referencedResource } from '../template';

/**
 * DSQL-E3: a DSQL endpoint open to its whole VPC: an ingress rule from the VPC's CIDR block (or a block that contains
 * it), which is what aws-cdk-lib's `InterfaceVpcEndpoint` writes by default (`open: true`), or no security group at
 * all (the VPC's default group then applies). The VPC's blocks come from the template, or, for an imported VPC
 * (no VPC resource), from what the app knows of it (`TemplateView.importedVpcCidrs`).
 */
export const endpointWholeVpc: DsqlRule = {
  id: 'DSQL-E3',
  level: 'warning',
  summary: 'DSQL interface endpoint open to its whole VPC CIDR (or wider private block), or without a security group of its own',
  reason: 'The Aurora DSQL interface endpoint admits every resource of its VPC, not just the clients of the cluster',
  fix: 'Admit the clients\' security groups only (DsqlPrivateLinkEndpoint allowedClients; with InterfaceVpcEndpoint set open: false '
    + 'and securityGroups), and give the endpoint a security group of its own.',
  resourceTypes: ['AWS::EC2::VPCEndpoint'],
  evaluate(resource, template) {
    if (!dsqlEndpointKind(resource)) return NOT_APPLICABLE;
    const groups = endpointGroups(resource, template);
    if (groups === undefined) return findings(['no SecurityGroupIds: the VPC\'s default security group applies']);
    const vpcId = resource.properties.VpcId;
    const vpc = referencedResource(vpcId, template);
    // A VPC of the template has its blocks there; an imported VPC (a literal id) has them in the app only.
    const known = vpc?.type === 'AWS::EC2::VPC' ? vpcCidrBlocks(vpc, template)
      : typeof vpcId === 'string' ? template.importedVpcCidrs?.(vpcId) ?? [] : [];
    const blocks = known.filter((b) => !cidrProblem(b)).map(parseCidr);
    const problems: string[] = [];
    for (const group of groups) {
      for (const rule of ingressRules(group, template)) {
        const vpcRef = referencesVpcCidr(rule.cidrIp, template) ?? referencesVpcCidr(rule.cidrIpv6, template);
        if (vpcRef) {
          problems.push(`${describeRule(group, rule)}: the CIDR block of VPC ${vpcRef}`);
          continue;
        }
        for (const cidr of [rule.cidrIp, rule.cidrIpv6]) {
          // Public and malformed blocks are DSQL-E2's.
          if (typeof cidr !== 'string' || cidrProblem(cidr) || !isPrivateCidr(cidr)) continue;
          const c = parseCidr(cidr);
          if (blocks.some((b) => b.version === c.version && c.start <= b.start && b.end <= c.end)) {
            problems.push(`${describeRule(group, rule)}: it contains the VPC's CIDR block`);
          }
        }
      }
    }
    return findings(problems);
  },
};
