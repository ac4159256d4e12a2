import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { cidrProblem, isAnyAddress } from './cidr';
import { fail } from './errors';

export const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** IAM role, user or account-root ARN; `*` and `?` are allowed in the path and name (ArnLike). */
export const IAM_PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::\d{12}:(root|(role|user)\/([\x21-\x7e]*\/)?[\w+=,.@*?-]{1,128})$/;
/** AWS Organizations id (`o-` and 10 to 32 lowercase letters or digits). */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** An organization path `o-…/r-…/ou-…/…/`, optionally ending in `*` (StringLike). */
export const ORG_PATH = /^o-[a-z0-9]{10,32}\/(r-[0-9a-z]{4,32})(\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*\/\*?$|^o-[a-z0-9]{10,32}\/\*$/;

/** The resolved values of a list, skipping tokens (validated once they are known, at deploy time). */
export function concrete(values: readonly string[]): string[] {
  return values.filter((v) => !Token.isUnresolved(v));
}

/**
 * An optional list must be absent or non-empty: an empty allow-list is neither "allow nobody" nor
 * "allow all", so it is refused.
 */
export function requireNonEmpty(scope: IConstruct, prop: string, values: readonly unknown[] | undefined, fix: string): void {
  if (values !== undefined && !Token.isUnresolved(values) && values.length === 0) {
    fail(scope, prop, values, 'is an empty list', fix);
  }
}

/** Refuse duplicates in a list (they are a sign of a copy-paste error and waste policy characters). */
export function requireUnique(scope: IConstruct, prop: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of concrete(values)) {
    if (seen.has(v)) fail(scope, prop, v, 'lists the same value twice', 'Remove the duplicate.');
    seen.add(v);
  }
}

/** Validate a list of CIDR blocks that an allow-list admits (public or private). */
export function validateCidrs(scope: IConstruct, prop: string, cidrs: readonly string[]): void {
  for (const cidr of concrete(cidrs)) {
    const problem = cidrProblem(cidr);
    if (problem) {
      fail(scope, prop, cidr, problem, 'Give IPv4 or IPv6 CIDR blocks such as "203.0.113.0/24" or "2001:db8::/48".');
    }
    if (isAnyAddress(cidr)) {
      fail(scope, prop, cidr, 'admits every address, which is no restriction at all',
        'List the networks you trust, or leave the property out if you do not want to restrict by source IP.');
    }
  }
}

export function validatePattern(scope: IConstruct, prop: string, values: readonly string[], pattern: RegExp, what: string, example: string): void {
  for (const v of concrete(values)) {
    if (!pattern.test(v)) fail(scope, prop, v, `is not ${what}`, `Use a value such as "${example}" (or a token such as vpc.vpcId).`);
  }
}
