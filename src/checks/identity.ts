/**
 * The identity policies of a resource: managed and inline policies, and the inline `Policies` of roles, users
 * and groups.
 */
import { PolicyStatement, policyStatements } from './policy';
import { ResourceView } from './rule';
import { flatten, isObject, toList } from './template';

/** Resource types that hold identity policies. */
export const IDENTITY_POLICY_TYPES = [
  'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy',
  'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group',
];

/** One statement of an identity policy, with a label naming the policy and the statement. */
export interface IdentityStatement {
  readonly label: string;
  readonly statement: PolicyStatement;
}

/** Every statement of every identity policy the resource holds. */
export function identityStatements(resource: ResourceView): IdentityStatement[] {
  const documents: Array<{ name?: string; document: unknown }> = [];
  if (resource.properties.PolicyDocument !== undefined) {
    documents.push({ document: resource.properties.PolicyDocument });
  }
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(resource.type)) {
    for (const p of toList(resource.properties.Policies).filter(isObject)) {
      documents.push({ name: flatten(p.PolicyName) ?? 'inline policy', document: p.PolicyDocument });
    }
  }
  return documents.flatMap(({ name, document }) => (policyStatements(document) ?? []).map((statement) => ({
    label: name ? `inline policy "${name}" ${statement.label}` : statement.label,
    statement,
  })));
}
