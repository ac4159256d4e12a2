import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { failureMessage } from './errors';

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
} as const;

/**
 * Length a token is assumed to take once resolved, for size checks at synth time. Generous for the ids
 * and ARNs that appear in these policies (vpc-…: 21, vpce-…: 22, a role ARN: usually < 100).
 */
export const TOKEN_LENGTH_ESTIMATE = 96;

/**
 * The length of a policy document as AWS counts it: compact JSON, with every unresolved value (Ref,
 * Fn::GetAtt, Fn::Join…) counted as `TOKEN_LENGTH_ESTIMATE` characters.
 */
export function policyLength(stack: Stack, document: iam.PolicyDocument): number {
  const resolved = stack.resolve(document.toJSON());
  return JSON.stringify(resolved, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
        return 'x'.repeat(TOKEN_LENGTH_ESTIMATE);
      }
    }
    return value;
  }).length;
}

/**
 * The synth-time check of a managed policy against the IAM quota (statements may be added after
 * construction), as messages of the project's form on `scope`.
 */
export function managedPolicyQuotaProblems(scope: IConstruct, policy: iam.ManagedPolicy, fix: string): string[] {
  const length = policyLength(Stack.of(scope), policy.document);
  return length > QUOTAS.managedPolicy
    ? [failureMessage(scope, 'statements', `${length} characters`,
      `make a managed policy over the IAM quota of ${QUOTAS.managedPolicy} characters (whitespace not counted)`, fix)]
    : [];
}
