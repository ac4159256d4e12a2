/**
 * The rule pack's cheap filter: which resources may concern Aurora DSQL, read from their unresolved L1 properties,
 * before anything is resolved. Conservative: whatever cannot be read cheaply (a token where an action or a service
 * name should be, an escape-hatch override) is judged.
 */
import { CfnResource, IResolvable, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { globMatch, lit } from '../private/policy/values';

/** Resource types whose `PolicyDocument` property is an identity policy. */
const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy']);
/** Resource types whose `Policies` property holds inline identity policies. */
const INLINE_POLICY_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);

const SUPPRESSION_KEYS = ['cdk_nag', 'secure_dsql'];

/**
 * Whether the aspect must resolve a resource: it carries suppressions (always checked), or a rule inspects its type
 * (`judged`) and its unresolved properties show that it may concern Aurora DSQL.
 */
export function mayBeJudged(c: CfnResource, judged: boolean): boolean {
  const overrides = (c as any).rawOverrides;
  const overridden = overrides !== undefined && Object.keys(overrides).length > 0;
  if (overridden && overrides.Metadata !== undefined) return true;
  const metadata = c.cfnOptions.metadata;
  if (metadata && SUPPRESSION_KEYS.some((k) => k in metadata)) return true;
  if (!judged) return false;
  if (overridden) return true;
  const type = c.cfnResourceType;
  const props = (c as any).cfnProperties as Record<string, unknown> | undefined;
  if (!props) return true;
  if (type === 'AWS::EC2::VPCEndpoint') return mayBeDsqlServiceName(props.serviceName);
  if (POLICY_TYPES.has(type)) return documentMayNameDsql(props.policyDocument);
  if (INLINE_POLICY_TYPES.has(type)) return inlinePoliciesMayNameDsql(props.policies);
  return true; // AWS::DSQL::Cluster, and any type a rule adds
}

/** A service name that may be Aurora DSQL's: one that says `dsql`, or one known at deploy time only (a reference). */
function mayBeDsqlServiceName(name: unknown): boolean {
  if (typeof name !== 'string') return true;
  if (!Token.isUnresolved(name)) return /dsql/i.test(name);
  // A token inside the name (the Region) leaves the rest readable: `com.amazonaws.${Token[AWS.Region.1]}.s3`.
  const literalParts = name.replace(/\$\{Token\[[^\]]*\]\}/g, '\u0000');
  return /dsql/i.test(literalParts) || /^\u0000$/.test(literalParts) || !/^com\.amazonaws\.\u0000\.[a-z0-9.-]+$/.test(literalParts);
}

/** An action pattern that may match an action of Aurora DSQL. */
function mayNameDsql(action: unknown): boolean {
  if (typeof action !== 'string' || Token.isUnresolved(action)) return true;
  const colon = action.indexOf(':');
  const service = colon < 0 ? action : action.slice(0, colon);
  return globMatch(lit(service), lit('dsql'), true) !== false;
}

function isResolvable(value: unknown): value is IResolvable {
  return typeof value === 'object' && value !== null && typeof (value as IResolvable).resolve === 'function';
}

/** Whether a policy document, as the L1 property holds it, may allow or deny an action of Aurora DSQL. */
function documentMayNameDsql(doc: unknown): boolean {
  if (doc === undefined || doc === null) return false;
  if (doc instanceof iam.PolicyDocument) {
    const statements = (doc as any).statements;
    if (!Array.isArray(statements)) return true;
    return statements.some((st) => !(st instanceof iam.PolicyStatement) || st.notActions.length > 0 || st.actions.some(mayNameDsql));
  }
  if (typeof doc === 'string') {
    if (Token.isUnresolved(doc)) return true;
    try {
      return documentMayNameDsql(JSON.parse(doc));
    } catch {
      return true;
    }
  }
  if (isResolvable(doc) || typeof doc !== 'object' || Array.isArray(doc)) return true;
  const statement = (doc as Record<string, unknown>).Statement;
  if (statement === undefined) return Object.keys(doc).some((k) => k !== 'Version' && k !== 'Id'); // an intrinsic, say
  const statements = Array.isArray(statement) ? statement : [statement];
  return statements.some((st) => {
    if (typeof st !== 'object' || st === null || isResolvable(st)) return true;
    const s = st as Record<string, unknown>;
    if (s.NotAction !== undefined) return true;
    const actions = s.Action;
    if (actions === undefined) return false;
    return (Array.isArray(actions) ? actions : [actions]).some(mayNameDsql);
  });
}

/** The `Policies` property of a role, user or group: a list of `{ policyName, policyDocument }`. */
function inlinePoliciesMayNameDsql(policies: unknown): boolean {
  if (policies === undefined || policies === null) return false;
  if (!Array.isArray(policies)) return true;
  return policies.some((p) => {
    if (typeof p !== 'object' || p === null || isResolvable(p)) return true;
    const entry = p as Record<string, unknown>;
    return documentMayNameDsql(entry.policyDocument ?? entry.PolicyDocument);
  });
}
