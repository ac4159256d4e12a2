/**
 * Network ACL rule planning for the PrivateLink endpoint subnets: pure functions, no CDK.
 *
 * A network ACL is stateless, so admitting clients takes two rules per client block: inbound TCP to the
 * service port(s) from the block, and outbound TCP to the block's ephemeral ports (the return traffic).
 * The client blocks are merged first (`mergeCidrs`), so the rule count is the minimum for the exact set of
 * addresses given.
 */
import { mergeCidrs, parseCidr } from './cidr';

/** The ephemeral port range of the return traffic: wide enough for Linux, Windows, NAT gateways and ELB. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

/** First rule number, and the gap between rules (room to insert rules by hand, as AWS recommends). */
export const FIRST_RULE_NUMBER = 100;
export const RULE_NUMBER_STEP = 10;

export interface NaclRule {
  readonly ruleNumber: number;
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly egress: boolean;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface NaclPlan {
  /** The merged client blocks, IPv4 first. */
  readonly cidrs: string[];
  readonly ingress: NaclRule[];
  readonly egress: NaclRule[];
}

/**
 * Plan the rules that admit TCP `ports` from `cidrs` (inbound) and the return traffic to them (outbound).
 * Everything else falls through to the ACL's default deny.
 */
export function planNaclRules(cidrs: readonly string[], ports: readonly number[]): NaclPlan {
  const merged = mergeCidrs([...cidrs]);
  const ingress: NaclRule[] = [];
  let n = FIRST_RULE_NUMBER;
  for (const port of ports) {
    for (const cidr of merged) {
      ingress.push({ ruleNumber: n, cidr, version: parseCidr(cidr).version, egress: false, fromPort: port, toPort: port });
      n += RULE_NUMBER_STEP;
    }
  }
  const egress: NaclRule[] = merged.map((cidr, i) => ({
    ruleNumber: FIRST_RULE_NUMBER + i * RULE_NUMBER_STEP,
    cidr,
    version: parseCidr(cidr).version,
    egress: true,
    fromPort: EPHEMERAL_PORTS.from,
    toPort: EPHEMERAL_PORTS.to,
  }));
  return { cidrs: merged, ingress, egress };
}

/**
 * The count the ACL quota applies to: AWS enforces the per-direction rule quota separately for IPv4 and
 * IPv6 rules, so this is the larger of the two families.
 */
export function quotaCount(rules: readonly NaclRule[]): number {
  const v4 = rules.filter((r) => r.version === 4).length;
  return Math.max(v4, rules.length - v4);
}
