import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { isPrivateCidr, mergeCidrs } from './cidr';
import { fail } from './errors';
import { CONNECT_ACTIONS } from './facts/actions';
import {
  IAM_PRINCIPAL_ARN, ORG_ID, ORG_PATH, VPC_ENDPOINT_ID, VPC_ID,
  concrete, requireNonEmpty, requireUnique, validateCidrs, validatePattern,
} from './validation';
import type { DsqlConnectConditions } from '../connect-conditions';

/**
 * The one renderer and validator of `DsqlConnectConditions` (docs/ARCHITECTURE.md, "The conditions model").
 * Internal: not exported from the package.
 */

/** How the Deny statements are rendered for one kind of policy. */
export interface RenderOptions {
  /** Actions the Deny statements cover. @default both connect actions */
  readonly actions?: string[];
  /** Resources the Deny statements cover. */
  readonly resources: string[];
  /** The Principal element: set for resource-based and endpoint policies, absent for identity policies. */
  readonly principal?: iam.IPrincipal;
  /** Prefix of every statement id. @default '' */
  readonly sidPrefix?: string;
}

/**
 * Validate a conditions object: every rule of the library's contract, with a message that names the
 * construct, the property, the bad value and the fix. Token values are skipped (known only at deploy).
 */
export function validateConnectConditions(scope: IConstruct, prop: string, c: DsqlConnectConditions): void {
  const empty = 'Leave the property out, or list at least one value: an empty allow-list is neither "allow nobody" nor "allow all".';
  requireNonEmpty(scope, `${prop}.sourceIps`, c.sourceIps, empty);
  requireNonEmpty(scope, `${prop}.sourceVpcIds`, c.sourceVpcIds, empty);
  requireNonEmpty(scope, `${prop}.sourceVpcEndpointIds`, c.sourceVpcEndpointIds, empty);
  requireNonEmpty(scope, `${prop}.principalArns`, c.principalArns, empty);
  requireNonEmpty(scope, `${prop}.principalOrgIds`, c.principalOrgIds, empty);
  requireNonEmpty(scope, `${prop}.principalOrgPaths`, c.principalOrgPaths, empty);
  requireNonEmpty(scope, `${prop}.vpcSourceIps`, c.vpcSourceIps, empty);

  if (c.sourceIps) {
    validateCidrs(scope, `${prop}.sourceIps`, c.sourceIps);
    requireUnique(scope, `${prop}.sourceIps`, c.sourceIps);
    const privateBlocks = concrete(c.sourceIps).filter(isPrivateCidr);
    if (privateBlocks.length > 0) {
      Annotations.of(scope).addWarningV2('secure-dsql:private-source-ip',
        `${prop}.sourceIps lists private blocks (${privateBlocks.join(', ')}), which never match: aws:SourceIp only carries `
        + 'the public address of a request over the internet. To trust a network inside AWS, use sourceVpcIds or sourceVpcEndpointIds.');
    }
  }
  if (c.sourceVpcIds) {
    validatePattern(scope, `${prop}.sourceVpcIds`, c.sourceVpcIds, VPC_ID, 'a VPC id', 'vpc-0123456789abcdef0');
    requireUnique(scope, `${prop}.sourceVpcIds`, c.sourceVpcIds);
  }
  if (c.sourceVpcEndpointIds) {
    validatePattern(scope, `${prop}.sourceVpcEndpointIds`, c.sourceVpcEndpointIds, VPC_ENDPOINT_ID,
      'an interface VPC endpoint id', 'vpce-0123456789abcdef0');
    requireUnique(scope, `${prop}.sourceVpcEndpointIds`, c.sourceVpcEndpointIds);
  }
  if (c.principalArns) {
    validatePattern(scope, `${prop}.principalArns`, c.principalArns, IAM_PRINCIPAL_ARN,
      'an IAM role or user ARN', 'arn:aws:iam::123456789012:role/app');
    requireUnique(scope, `${prop}.principalArns`, c.principalArns);
  }
  if (c.principalOrgIds) {
    validatePattern(scope, `${prop}.principalOrgIds`, c.principalOrgIds, ORG_ID, 'an AWS Organizations id', 'o-a1b2c3d4e5');
    requireUnique(scope, `${prop}.principalOrgIds`, c.principalOrgIds);
  }
  if (c.principalOrgPaths) {
    validatePattern(scope, `${prop}.principalOrgPaths`, c.principalOrgPaths, ORG_PATH,
      'an organization path (o-…/r-…/ou-…/, a trailing * allowed)', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*');
    requireUnique(scope, `${prop}.principalOrgPaths`, c.principalOrgPaths);
    if (c.principalOrgIds) {
      const orgs = concrete(c.principalOrgIds);
      for (const path of concrete(c.principalOrgPaths)) {
        const org = path.split('/')[0];
        if (orgs.length === c.principalOrgIds.length && !orgs.includes(org)) {
          fail(scope, `${prop}.principalOrgPaths`, path, `is in organization ${org}, which principalOrgIds does not list, so nobody could match both`,
            'List that organization in principalOrgIds too, or drop the path (both must hold: they combine with AND).');
        }
      }
    }
  }
  if (c.vpcSourceIps) {
    validateCidrs(scope, `${prop}.vpcSourceIps`, c.vpcSourceIps);
    requireUnique(scope, `${prop}.vpcSourceIps`, c.vpcSourceIps);
    const publicBlocks = concrete(c.vpcSourceIps).filter((cidr) => !isPrivateCidr(cidr));
    if (publicBlocks.length > 0) {
      Annotations.of(scope).addWarningV2('secure-dsql:public-vpc-source-ip',
        `${prop}.vpcSourceIps lists blocks outside the private ranges (${publicBlocks.join(', ')}): aws:VpcSourceIp carries the client's `
        + 'address inside the VPC, which is private unless the VPC uses public address space. Check that these are your VPC\'s blocks.');
    }
  }
  if (c.blockPublicAccess && c.sourceIps) {
    fail(scope, `${prop}.blockPublicAccess`, true, 'contradicts sourceIps: public IPs never arrive through a VPC endpoint, so nobody could connect from them',
      'Drop sourceIps to allow only private connections, or drop blockPublicAccess to allow the listed public IPs.');
  }
  if (!c.sourceIps && !c.sourceVpcIds && !c.sourceVpcEndpointIds && !c.principalArns && !c.blockPublicAccess
    && !c.principalOrgIds && !c.principalOrgPaths && !c.vpcSourceIps) {
    fail(scope, prop, c, 'sets no condition, so it restricts nothing',
      'Set at least one of sourceIps, sourceVpcIds, sourceVpcEndpointIds, vpcSourceIps, principalArns, principalOrgIds, '
      + 'principalOrgPaths or blockPublicAccess: true, or leave the property out.');
  }
}

/**
 * Render conditions into Deny statements. The only place in the library that does so.
 *
 * - origins (IPs, VPCs, endpoints): ONE statement whose conditions are ANDed, so that the allowed origins
 *   combine with OR. `…IfExists` makes a key that is absent (SourceIp on endpoint traffic, SourceVpc on
 *   public traffic) count as "not allowed by this key".
 * - blockPublicAccess: `Null: { aws:SourceVpc: true }`.
 * - principals: `ArnNotLike: { aws:PrincipalArn: [...] }`.
 */
export function renderConnectConditions(c: DsqlConnectConditions, options: RenderOptions): iam.PolicyStatement[] {
  const actions = options.actions ?? [...CONNECT_ACTIONS];
  const sid = (name: string) => `${options.sidPrefix ?? ''}${name}`;
  const base = (name: string, conditions: Record<string, Record<string, unknown>>) => new iam.PolicyStatement({
    sid: sid(name),
    effect: iam.Effect.DENY,
    principals: options.principal ? [options.principal] : undefined,
    actions,
    resources: options.resources,
    conditions,
  });

  const statements: iam.PolicyStatement[] = [];
  if (c.sourceIps || c.sourceVpcIds || c.sourceVpcEndpointIds || c.vpcSourceIps) {
    const conditions: Record<string, Record<string, unknown>> = {};
    if (c.sourceIps) {
      conditions.NotIpAddressIfExists = { 'aws:SourceIp': [...c.sourceIps] };
    }
    const notEquals: Record<string, string[]> = {};
    if (c.sourceVpcIds) notEquals['aws:SourceVpc'] = [...c.sourceVpcIds];
    if (c.sourceVpcEndpointIds) notEquals['aws:SourceVpce'] = [...c.sourceVpcEndpointIds];
    // With only sourceIps, NotIpAddressIfExists alone also denies endpoint traffic (no aws:SourceIp there).
    if (Object.keys(notEquals).length > 0) conditions.StringNotEqualsIfExists = notEquals;
    // vpcSourceIps alone admits endpoint traffic (narrowed below) and nothing public: "not through an endpoint".
    else if (c.vpcSourceIps) conditions.Null = { 'aws:SourceVpc': 'true' };
    statements.push(base('DenyUntrustedNetworkOrigin', conditions));
  }
  if (c.vpcSourceIps) {
    // Narrows endpoint traffic only: the key is present (Null false) and not an allowed address. Public
    // requests carry no aws:VpcSourceIp, so this statement never decides them (the one above does).
    statements.push(base('DenyUntrustedVpcSourceIp', {
      NotIpAddress: { 'aws:VpcSourceIp': [...c.vpcSourceIps] },
      Null: { 'aws:VpcSourceIp': 'false' },
    }));
  }
  if (c.blockPublicAccess) {
    statements.push(base('DenyPublicAccess', { Null: { 'aws:SourceVpc': 'true' } }));
  }
  if (c.principalArns) {
    statements.push(base('DenyUnlistedPrincipals', { ArnNotLike: { 'aws:PrincipalArn': [...c.principalArns] } }));
  }
  if (c.principalOrgIds) {
    // A missing key (a principal in no organization) makes the negated operator true: denied.
    statements.push(base('DenyOtherOrganizations', { StringNotEquals: { 'aws:PrincipalOrgID': [...c.principalOrgIds] } }));
  }
  if (c.principalOrgPaths) {
    // The negation of the documented ForAnyValue:StringLike: true when no path of the caller matches, and
    // when the caller has no path at all (ForAllValues over an empty set is true), so both are denied.
    statements.push(base('DenyOtherOrganizationalUnits', { 'ForAllValues:StringNotLike': { 'aws:PrincipalOrgPaths': [...c.principalOrgPaths] } }));
  }
  return statements;
}

/**
 * The conditions to render when their rendered form must fit a quota: unchanged when `fits` accepts them or
 * any source IP is a token; otherwise with `sourceIps` merged into the fewest CIDR blocks that cover exactly
 * the same addresses (never more), and an info annotation on `scope` that says so. The caller still checks
 * the quota afterwards: merging may not be enough.
 */
export function mergeSourceIpsToFit(scope: IConstruct, prop: string, c: DsqlConnectConditions,
  fits: (candidate: DsqlConnectConditions) => boolean, quota: string): DsqlConnectConditions {
  const ips = c.sourceIps;
  if (!ips || ips.some((ip) => Token.isUnresolved(ip)) || fits(c)) return c;
  const merged = mergeCidrs(ips);
  if (merged.length === ips.length) return c;
  Annotations.of(scope).addInfo(`${prop}.sourceIps: merged ${ips.length} CIDR blocks into ${merged.length} (the same addresses) to fit ${quota}.`);
  return { ...c, sourceIps: merged };
}
