/**
 * Policy documents as the model's statements: principals, NotPrincipal, actions, resources, conditions.
 * A statement that cannot be read is unknown (it applies or not, nobody knows).
 */
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Reader, StackCtx, asArray } from './reader';
import { Condition, Policy, PrincipalSpec, Statement } from '../../private/policy/evaluate';
import { literal } from '../../private/policy/values';

/**
 * Whether a policy document, before it is resolved, may allow a connect action: false only for an
 * `iam.PolicyDocument` none of whose Allow statements names a `dsql:` action or a wildcard (or uses
 * NotAction), or a plain document that does not mention `dsql` or `*` at all.
 */
export function mayAllowConnect(doc: unknown): boolean {
  if (doc === undefined) return false;
  if (doc instanceof iam.PolicyDocument) {
    const statements = (doc as unknown as { statements?: iam.PolicyStatement[] }).statements;
    if (!Array.isArray(statements)) return true;
    return statements.some((st) => st.effect === iam.Effect.ALLOW && (st.notActions.length > 0
      || st.actions.some((a) => Token.isUnresolved(a) || a.includes('*') || a.includes('?') || a.toLowerCase().startsWith('dsql:'))));
  }
  if (Token.isUnresolved(doc)) return true;
  const text = JSON.stringify(doc);
  return text === undefined || /dsql|\*|\?|\$\{Token/i.test(text);
}

/**
 * AWS managed policies that neither allow nor deny any `dsql:` action (their documents are published in
 * the AWS Managed Policy Reference): the ones aws-cdk-lib attaches to Lambda functions. Any other AWS
 * managed policy is unknown content.
 */
export const NO_DSQL_MANAGED_POLICIES = [
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AWSLambdaVPCAccessExecutionRole',
  'AWSXRayDaemonWriteAccess',
  'CloudWatchLambdaInsightsExecutionRolePolicy',
];

export function policyReader(r: Reader): (ctx: StackCtx, doc: unknown, name: string) => Policy {
  const parsePrincipal = (ctx: StackCtx, p: unknown): PrincipalSpec | undefined => {
    if (p === undefined) return undefined;
    if (p === '*') return { any: true, aws: [], other: 0 };
    if (!p || typeof p !== 'object' || Array.isArray(p)) return { any: false, aws: [], other: 0, unknown: true };
    const obj = p as Record<string, unknown>;
    const aws = r.list(ctx, obj.AWS);
    if (!aws) return { any: false, aws: [], other: 0, unknown: true };
    const other = Object.keys(obj).filter((k) => k !== 'AWS').length;
    return { any: aws.some((a) => literal(a) === '*'), aws, other };
  };
  const parseStatement = (ctx: StackCtx, s: any): Statement => {
    if (!s || typeof s !== 'object') return { effect: 'Allow', conditions: [], unknown: true };
    let unknown = false;
    const list = (v: unknown) => {
      if (v === undefined) return undefined;
      const l = r.list(ctx, v);
      if (!l) unknown = true;
      return l ?? [];
    };
    const conditions: Condition[] = [];
    if (s.Condition && typeof s.Condition === 'object') {
      for (const [operator, block] of Object.entries<any>(s.Condition)) {
        if (!block || typeof block !== 'object') {
          unknown = true;
          continue;
        }
        for (const [key, value] of Object.entries(block)) conditions.push({ operator, key, values: r.list(ctx, value) });
      }
    }
    const effect = s.Effect === 'Deny' ? 'Deny' : s.Effect === 'Allow' ? 'Allow' : undefined;
    return {
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: effect ?? 'Allow',
      principal: parsePrincipal(ctx, s.Principal),
      notPrincipal: parsePrincipal(ctx, s.NotPrincipal),
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      conditions,
      unknown: unknown || effect === undefined,
    };
  };
  const parsePolicy = (ctx: StackCtx, doc: unknown, name: string): Policy => {
    if (doc === undefined) return { name, statements: [] };
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { name, statements: [], unknown: true };
    const statements = asArray((doc as any).Statement) ?? [];
    return { name, statements: statements.map((s) => parseStatement(ctx, s)) };
  };

  return parsePolicy;
}
