import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { cidrProblem, isAnyAddress, isPrivateCidr, parseCidr } from './cidr';
import { fail, failureMessage } from './errors';
import { QUOTAS } from './quota';
import { validationMemo } from './validation-memo';
import { WARNING_IDS } from './warnings';

/**
 * Pure inspection of security-group rules for the private path: which client blocks are acceptable, and
 * which deployed rules break the endpoint's contract (docs/ARCHITECTURE.md, "Private path").
 */

/** One rule as CloudFormation will deploy it (the fields the checks read). */
export interface RuleShape {
  readonly cidrIp?: unknown;
  readonly cidrIpv6?: unknown;
  readonly ipProtocol?: unknown;
  readonly fromPort?: unknown;
  readonly toPort?: unknown;
}

/** The rules of one security group. */
export interface SecurityGroupRules {
  readonly ingress: RuleShape[];
  readonly egress: RuleShape[];
}

export const CLIENT_FIX = 'Admit the clients\' security groups (allowedClients: [fn]), or their private IPv4 CIDR blocks such as "10.0.0.0/16".';

/**
 * Why an IPv6 client block cannot work: the interface endpoint of the cluster's connection service is
 * IPv4-only. The Aurora DSQL User Guide ("Managing and connecting to Amazon Aurora DSQL clusters using AWS
 * PrivateLink") describes its network interfaces with private IPv4 addresses from the subnets and documents
 * no dual-stack or IPv6 endpoint for the connection service, and DsqlPrivateLinkEndpoint sets no
 * `IpAddressType` (the default is IPv4). A rule or ACL entry for an IPv6 block could never match a
 * connection to the endpoint; dual-stack clients reach it over IPv4.
 */
export const IPV6_PROBLEM = 'is an IPv6 block, but the endpoint has IPv4 addresses only (Aurora DSQL documents no dual-stack '
  + 'interface endpoint for its connection service), so it could never match';

/** Why a client block may not be admitted to the endpoint, or undefined when it may. */
export function clientCidrProblem(cidr: string): string | undefined {
  const problem = cidrProblem(cidr);
  if (problem) return problem;
  if (isAnyAddress(cidr)) return 'admits every address, which would open the endpoint to any network that can route to it';
  if (parseCidr(cidr).version === 6) return IPV6_PROBLEM;
  if (!isPrivateCidr(cidr)) return 'is not a private range (RFC 1918 or 100.64.0.0/10); the endpoint only has private addresses';
  return undefined;
}

/** Refuse a client CIDR that is malformed, any-address or public. */
export function checkClientCidr(scope: IConstruct, prop: string, cidr: string, fix = CLIENT_FIX): void {
  const problem = clientCidrProblem(cidr);
  if (problem) fail(scope, prop, cidr, problem, fix);
}

/** The CIDR block of a peer given as a client, if it is one (`ec2.Peer.ipv4/ipv6/anyIpv4`…). */
export function peerCidr(client: ec2.IConnectable): string | undefined {
  const peer = client as Partial<ec2.IPeer>;
  if (typeof peer.toIngressRuleConfig !== 'function') return undefined;
  const config = peer.toIngressRuleConfig();
  return config?.cidrIp ?? config?.cidrIpv6;
}

/** The prefix list id of a peer given as a client (`ec2.Peer.prefixList(...)`), if it is one. */
export function peerPrefixList(client: ec2.IConnectable): string | undefined {
  const peer = client as Partial<ec2.IPeer>;
  if (typeof peer.toIngressRuleConfig !== 'function') return undefined;
  return peer.toIngressRuleConfig()?.sourcePrefixListId;
}

/**
 * Check a client given to the endpoint: a CIDR peer must be a private block; a token CIDR or a prefix list
 * (whose entries are not in the template and may change at any time) gets a warning.
 */
export function checkPeer(scope: IConstruct, prop: string, client: ec2.IConnectable): void {
  const prefixList = peerPrefixList(client);
  if (prefixList !== undefined) {
    Annotations.of(scope).addWarningV2(WARNING_IDS.prefixListClient,
      `${prop}: prefix list ${Token.isUnresolved(prefixList) ? '(a token)' : prefixList} admits whatever blocks it holds, which cannot be `
      + 'checked at synth and may change after deployment (any address, public ones included). Make sure it holds private client ranges '
      + `only and who may change it, then acknowledge: Annotations.of(endpoint).acknowledgeWarning('${WARNING_IDS.prefixListClient}', reason).`);
    return;
  }
  const cidr = peerCidr(client);
  if (cidr === undefined) return;
  if (Token.isUnresolved(cidr)) {
    Annotations.of(scope).addWarningV2(WARNING_IDS.tokenClientCidr,
      `${prop}: a CIDR block given as a token cannot be checked at synth; make sure it is a private range.`);
    return;
  }
  checkClientCidr(scope, prop, cidr);
}

/** CDK's placeholder egress rule of a group without outbound rules: it admits nothing. */
function isPlaceholderEgress(r: RuleShape): boolean {
  return r.cidrIp === '255.255.255.255/32' && r.ipProtocol === 'icmp' && r.fromPort === 252 && r.toPort === 86;
}

/**
 * The rules of a security group as they will be deployed: inline rules of a SecurityGroup and separate
 * AWS::EC2::SecurityGroupIngress/Egress resources under it (imported groups, SG-to-SG rules).
 * Rules that CDK places in another stack (cross-stack SG-to-SG rules) are not seen.
 */
export function rulesOf(sg: ec2.ISecurityGroup): SecurityGroupRules {
  const stack = Stack.of(sg);
  const ingress: RuleShape[] = [];
  const egress: RuleShape[] = [];
  const cfn = sg.node.defaultChild;
  if (cfn instanceof ec2.CfnSecurityGroup) {
    ingress.push(...(stack.resolve(cfn.securityGroupIngress) ?? []));
    egress.push(...(stack.resolve(cfn.securityGroupEgress) ?? []));
  }
  for (const child of sg.node.findAll()) {
    if (child instanceof ec2.CfnSecurityGroupIngress) {
      ingress.push({ cidrIp: stack.resolve(child.cidrIp), cidrIpv6: stack.resolve(child.cidrIpv6) });
    } else if (child instanceof ec2.CfnSecurityGroupEgress) {
      egress.push({ cidrIp: stack.resolve(child.cidrIp), cidrIpv6: stack.resolve(child.cidrIpv6) });
    }
  }
  return { ingress, egress: egress.filter((r) => !isPlaceholderEgress(r)) };
}

/** One problem of a rule set, before it is formatted for a construct. */
export interface RuleProblem {
  readonly value: string;
  readonly problem: string;
  readonly fix: string;
}

/** Rules that break the endpoint's contract (ingress from outside private ranges), or the rule quota. Pure. */
export function ruleProblems(rules: SecurityGroupRules): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const rule of rules.ingress) {
    const cidr = rule.cidrIp ?? rule.cidrIpv6;
    if (typeof cidr !== 'string') continue; // a token (Ref, GetAtt) or a security group / prefix list source
    const why = clientCidrProblem(cidr);
    if (why) {
      problems.push({
        value: cidr,
        problem: `has an ingress rule from ${isAnyAddress(cidr) ? 'every address'
          : why === IPV6_PROBLEM ? 'an IPv6 block, which could never match: the endpoint has IPv4 addresses only'
            : 'a block that is not a private range'}`,
        fix: 'Admit clients by security group (allowFrom(client) / allowedClients) or by private IPv4 CIDR block only; remove that rule.',
      });
    }
  }
  for (const [direction, list] of [['inbound', rules.ingress], ['outbound', rules.egress]] as const) {
    // AWS counts IPv4 and IPv6 rules separately; a rule with a security group or prefix list source counts for both.
    const v4 = list.filter((r) => r.cidrIpv6 === undefined).length;
    const v6 = list.filter((r) => r.cidrIp === undefined).length;
    const count = Math.max(v4, v6);
    if (count > QUOTAS.securityGroupRules) {
      problems.push({
        value: `${count} ${direction} rules`,
        problem: `is over the quota of ${QUOTAS.securityGroupRules} ${direction} rules per security group`,
        fix: 'Put the clients into a few shared security groups and admit those, instead of one rule per client.',
      });
    }
  }
  return problems;
}

/**
 * `rulesOf(sg)` for the checks of a validation pass: resolved once per pass, however many checks read the rules
 * of a group (several endpoints can share one, and the whole-app checks read them again).
 */
export function validatedRulesOf(sg: ec2.ISecurityGroup): SecurityGroupRules {
  return validationMemo(sg, 'security-group-rules', sg, () => rulesOf(sg));
}

/** The problems of `sg`'s deployed rules, as messages of the project's form on `scope`. For validations. */
export function securityGroupProblems(scope: IConstruct, prop: string, sg: ec2.ISecurityGroup): string[] {
  return ruleProblems(validatedRulesOf(sg)).map((p) => failureMessage(scope, prop, p.value, p.problem, p.fix));
}
