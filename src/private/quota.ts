import { Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { failureMessage } from './errors';
import { isListTokenString, isUnresolvedString } from './tokens';

/** AWS quotas the library checks at synth time. */
export const QUOTAS = {
  /** Cluster resource-based policy, characters (AWS::DSQL::Cluster PolicyDocument). */
  clusterPolicy: 20_480,
  /** VPC endpoint policy, characters. */
  endpointPolicy: 20_480,
  /** IAM managed policy, characters without whitespace. */
  managedPolicy: 6_144,
  /** Network ACL rules per direction: default and the hard maximum. */
  naclRulesDefault: 20,
  naclRulesMax: 40,
  /** Security group inbound (or outbound) rules. */
  securityGroupRules: 60,
  /** Security groups per network interface (default). */
  securityGroupsPerInterface: 5,
  /** CloudTrail: values of all conditions in all advanced event selectors of one trail (not adjustable). */
  advancedSelectorValues: 500,
  /** EventBridge: characters of one rule's event pattern (default; adjustable in Service Quotas). */
  eventPattern: 2_048,
} as const;

/**
 * Length a token is assumed to take once resolved, for size checks at synth time. Generous for the ids
 * and ARNs that appear in these policies (vpc-…: 21, vpce-…: 22, a role ARN: usually < 100).
 */
export const TOKEN_LENGTH_ESTIMATE = 96;

/** What the exact measure counts for a CloudFormation intrinsic: `TOKEN_LENGTH_ESTIMATE` characters and quotes. */
const INTRINSIC_LENGTH = TOKEN_LENGTH_ESTIMATE + 2;

/** The replacer of the exact measure: every intrinsic (an object with the one key `Ref` or `Fn::…`) counts as a string of the estimate. */
function estimateIntrinsics(_key: string, value: unknown): unknown {
  return isIntrinsic(value) ? 'x'.repeat(TOKEN_LENGTH_ESTIMATE) : value;
}

function isIntrinsic(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/**
 * The length of a policy document as AWS counts it: compact JSON, with every unresolved value (Ref,
 * Fn::GetAtt, Fn::Join…) counted as `TOKEN_LENGTH_ESTIMATE` characters. This is the exact measure the quota
 * checks decide by; it resolves the whole document, so call it only when `policyLengthUpperBound` is over
 * the quota (see `lengthOverQuota`).
 */
export function policyLength(stack: Stack, document: iam.PolicyDocument): number {
  return exactLength(stack, document.toJSON()) ?? 0;
}

/**
 * The length of any value once resolved, as compact JSON, with every unresolved value counted as
 * `TOKEN_LENGTH_ESTIMATE` characters (the exact measure of `policyLength`, for other documents).
 */
export function resolvedLength(stack: Stack, value: unknown): number {
  return exactLength(stack, value) ?? 0;
}

/** The exact measure of one value, or undefined when it resolves to nothing (the resolver then drops it). */
function exactLength(stack: Stack, value: unknown): number | undefined {
  const resolved = stack.resolve(value);
  return resolved === undefined ? undefined : JSON.stringify(resolved, estimateIntrinsics).length;
}

/**
 * A cheap upper bound of `policyLength`: never less than it, for every document (test/quota.test.ts proves it
 * on generated documents). It walks the unresolved document instead of resolving it:
 *
 * - literal values count what compact JSON makes of them, exactly;
 * - a string that holds only references to resources of `stack` (`Ref`, `Fn::GetAtt`, which always resolve to
 *   an intrinsic there) counts its own length plus `TOKEN_LENGTH_ESTIMATE` and quotes per token: the most the
 *   exact measure counts for it, since the whole string resolves to one intrinsic (`Fn::Join` when it has
 *   literal parts);
 * - any other token (a `Lazy`, a reference to another stack, a list token…) is resolved on its own and
 *   measured exactly, as the exact measure would (resolving a plain object is resolving each of its values).
 *
 * So `policyLengthUpperBound(...) <= quota` proves `policyLength(...) <= quota` without resolving the whole
 * document, which costs several times more (most policies are far below their quota).
 */
export function policyLengthUpperBound(stack: Stack, document: iam.PolicyDocument): number {
  return boundOf(stack, document.toJSON(), { measured: false }) ?? 0;
}

/**
 * A document whose bound is within its quota and final: the bound walk measured nothing exactly, so its
 * length depends only on its statements (literals and references to resources of the stack, which do not
 * change). A later check of the same document with as many statements can trust it (see `FitRecord`).
 */
export interface FitRecord {
  readonly statementCount: number;
}

/**
 * `fitsQuota`, and the record that proves the fit for later when it is final (undefined when the document
 * does not fit, or when its bound measured a value that may still change until synth).
 */
export function fitsQuotaFinally(stack: Stack, document: iam.PolicyDocument, quota: number): { fits: boolean; record?: FitRecord } {
  const walk = { measured: false };
  if ((boundOf(stack, document.toJSON(), walk) ?? 0) <= quota) {
    return { fits: true, record: walk.measured ? undefined : { statementCount: document.statementCount } };
  }
  const length = policyLength(stack, document);
  return { fits: length <= quota };
}

/**
 * The exact length of `document` when it is over `quota`, or undefined when it is within: the bound decides
 * when it can, the exact measure otherwise. Exactly as strict as `policyLength(...) > quota`.
 */
export function lengthOverQuota(stack: Stack, document: iam.PolicyDocument, quota: number): number | undefined {
  if (policyLengthUpperBound(stack, document) <= quota) return undefined;
  const length = policyLength(stack, document);
  return length > quota ? length : undefined;
}

/** Whether `document` is within `quota` by the exact measure (decided by the bound when it can). */
export function fitsQuota(stack: Stack, document: iam.PolicyDocument, quota: number): boolean {
  return lengthOverQuota(stack, document, quota) === undefined;
}

/**
 * What a bound walk saw: whether it measured any value exactly (a `Lazy`, a list token, a reference to another
 * stack), whose length may still change until synth; literals and references to resources of the stack cannot.
 */
interface BoundWalk {
  measured: boolean;
}

/** An upper bound of the exact measure of `value`; undefined when it resolves to nothing (dropped). */
function boundOf(stack: Stack, value: unknown, walk: BoundWalk): number | undefined {
  const exact = (v: unknown) => {
    walk.measured = true;
    return exactLength(stack, v);
  };
  switch (typeof value) {
    case 'string': return stringBound(stack, value, exact);
    case 'boolean': return value ? 4 : 5;
    case 'number': return Token.isUnresolved(value) ? exact(value) : JSON.stringify(value).length;
    case 'object': break;
    default: return exact(value);
  }
  if (value === null) return 4;
  if (Array.isArray(value)) {
    // A list token (or a hole) changes the array itself when resolved: measure such an array exactly.
    if (value.some((v) => v === undefined || (typeof v === 'string' && isListTokenString(v)))) return exact(value);
    let length = 2 + Math.max(0, value.length - 1);
    // An element that resolves to nothing is dropped with its comma: counting the comma keeps the bound above.
    for (const v of value) length += boundOf(stack, v, walk) ?? 0;
    return length;
  }
  const prototype = Object.getPrototypeOf(value);
  if (Tokenization.isResolvable(value) || (prototype !== Object.prototype && prototype !== null)) return exact(value);
  let length = 2;
  const kept: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isUnresolvedString(key)) return exact(value);
    if (v === undefined) continue;
    const bound = boundOf(stack, v, walk);
    if (bound === undefined) continue;
    kept.push(key);
    length += JSON.stringify(key).length + 1 + bound;
  }
  // The exact measure counts an object that resolves to one `Ref` / `Fn::…` key as an intrinsic.
  if (kept.length === 1 && (kept[0] === 'Ref' || kept[0].startsWith('Fn::'))) return INTRINSIC_LENGTH;
  return length + Math.max(0, kept.length - 1);
}

function stringBound(stack: Stack, value: string, exact: (v: unknown) => number | undefined): number | undefined {
  if (isListTokenString(value)) return exact(value); // a list token in a scalar position
  const literal = JSON.stringify(value).length;
  if (!isUnresolvedString(value)) return literal;
  const tokens = Tokenization.reverseString(value).tokens;
  if (!tokens.every((t) => isLocalReference(stack, t))) return exact(value);
  return literal + tokens.length * INTRINSIC_LENGTH;
}

/**
 * A reference to an attribute (or the `Ref`) of a resource of `stack`, resolved in `stack`: always a `Ref` or
 * `Fn::GetAtt` intrinsic. References to other stacks are replaced at synth (by imports, parameters, readers
 * of other Regions' values), so they are not bounded here but measured. (test/quota.test.ts fails if CDK
 * renames the class, which would only make every token measured.)
 */
function isLocalReference(stack: Stack, token: unknown): boolean {
  if (!Reference.isReference(token) || token.constructor.name !== 'CfnReference') return false;
  try {
    return Stack.of(token.target) === stack;
  } catch {
    return false; // a target outside any stack: not bounded, measured
  }
}

/**
 * The synth-time check of a managed policy against the IAM quota (statements may be added after
 * construction), as messages of the project's form on `scope`.
 */
export function managedPolicyQuotaProblems(scope: IConstruct, policy: iam.ManagedPolicy, fix: string): string[] {
  const length = lengthOverQuota(Stack.of(scope), policy.document, QUOTAS.managedPolicy);
  return length !== undefined
    ? [failureMessage(scope, 'statements', `${length} characters`,
      `make a managed policy over the IAM quota of ${QUOTAS.managedPolicy} characters (whitespace not counted)`, fix)]
    : [];
}
