/**
 * IAM roles, users and groups and every policy attached to them (inline, managed, separate AWS::IAM::Policy),
 * their permissions boundaries, group memberships.
 */
import { NO_DSQL_MANAGED_POLICIES, mayAllowConnect } from './policies';
import { asArray, overridden } from './reader';
import type { Base, Identities } from './scope';
import { CollectedPolicy, Entity } from './types';
import { Policy } from '../../private/policy/evaluate';
import { Str, keyOf, literal } from '../../private/policy/values';

export function readIdentities(input: Base): Identities {
  const { r, parsePolicy, parentPath, ownerOf } = input;
  const entities = new Map<string, Entity>(); // by ARN key
  const entityByName = new Map<string, Entity>(); // by `${kind}:${nameKey}`
  for (const [type, kind] of [['AWS::IAM::Role', 'role'], ['AWS::IAM::User', 'user'], ['AWS::IAM::Group', 'group']] as const) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const arn = r.selfAtt(cfn, 'Arn');
      const name = r.selfRef(cfn);
      const e: Entity = { kind, cfn, ctx, arn, name, path: parentPath(cfn) };
      entities.set(keyOf(arn), e);
      entityByName.set(`${kind}:${keyOf(name)}`, e);
    }
  }
  const identityPolicies: CollectedPolicy[] = [];
  /** Policies attached by name: `${kind}:${nameKey}` → policies. */
  const attachedByName = new Map<string, Policy[]>();
  /** Managed policies by ARN key. */
  const managedByArn = new Map<string, Policy>();
  const attach = (kind: string, names: Str[] | undefined, policy: Policy) => {
    for (const n of names ?? []) {
      const key = `${kind}:${keyOf(n)}`;
      let list = attachedByName.get(key);
      if (!list) attachedByName.set(key, list = []);
      list.push(policy);
    }
  };
  /** Policies of the app that cannot allow a connect action, known before their documents are read. */
  const mayConnectPolicies = new WeakMap<Policy, boolean>();
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const path = parentPath(cfn);
      const roles = r.list(ctx, r.prop(cfn, 'roles'));
      const users = r.list(ctx, r.prop(cfn, 'users'));
      const groups = r.list(ctx, r.prop(cfn, 'groups'));
      // Lazily parsed: only the documents of policies attached to a client are read.
      let parsed: Policy | undefined;
      const lazy: Policy = {
        name: path,
        get statements() {
          parsed ??= parsePolicy(ctx, r.prop(cfn, 'policyDocument'), path);
          return parsed.statements;
        },
        get unknown() {
          parsed ??= parsePolicy(ctx, r.prop(cfn, 'policyDocument'), path);
          return parsed.unknown;
        },
      } as Policy;
      mayConnectPolicies.set(lazy, overridden(cfn, 'policyDocument') || mayAllowConnect((cfn as unknown as { policyDocument?: unknown }).policyDocument));
      identityPolicies.push({ policy: lazy, construct: ownerOf(cfn) });
      attach('role', roles, lazy);
      attach('user', users, lazy);
      attach('group', groups, lazy);
      if (type === 'AWS::IAM::ManagedPolicy') managedByArn.set(keyOf(r.selfRef(cfn)), lazy);
    }
  }
  const userGroups = new Map<string, Str[]>(); // user name key → group names
  for (const cfn of r.of('AWS::IAM::UserToGroupAddition')) {
    const ctx = r.ctx(cfn);
    const group = r.str(ctx, r.prop(cfn, 'groupName'));
    for (const u of r.list(ctx, r.prop(cfn, 'users')) ?? []) {
      const list = userGroups.get(keyOf(u)) ?? [];
      if (group) list.push(group);
      userGroups.set(keyOf(u), list);
    }
  }
  const managedPolicy = (arn: Str, owner: string): Policy => {
    const known = managedByArn.get(keyOf(arn));
    if (known) return known;
    const l = literal(arn);
    const aws = l !== undefined ? /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(l) : (() => {
      const last = arn[arn.length - 1];
      return typeof last === 'string' ? /:iam::aws:policy\/(.+)$/.exec(last) : null;
    })();
    if (aws && NO_DSQL_MANAGED_POLICIES.includes(aws[1])) return { name: aws[1], statements: [] };
    return { name: `managed policy ${l ?? 'of ' + owner}`, statements: [], unknown: true };
  };
  const ownCache = new Map<Entity, { policies: Policy[]; boundary?: Policy }>();
  const ownPolicies = (e: Entity): { policies: Policy[]; boundary?: Policy } => {
    let own = ownCache.get(e);
    if (!own) ownCache.set(e, own = readOwnPolicies(e));
    return own;
  };
  const readOwnPolicies = (e: Entity): { policies: Policy[]; boundary?: Policy } => {
    const policies: Policy[] = [];
    const inline = r.prop(e.cfn, 'policies');
    for (const p of asArray(inline) ?? []) {
      const doc = p && typeof p === 'object' ? ((p as any).policyDocument ?? (p as any).PolicyDocument) : undefined;
      policies.push(parsePolicy(e.ctx, doc, `${e.path} (inline ${(p as any)?.policyName ?? ''})`));
    }
    const arns = r.list(e.ctx, r.prop(e.cfn, 'managedPolicyArns'));
    if (!arns) policies.push({ name: `managed policies of ${e.path}`, statements: [], unknown: true });
    for (const a of arns ?? []) policies.push(managedPolicy(a, e.path));
    policies.push(...(attachedByName.get(`${e.kind}:${keyOf(e.name)}`) ?? []));
    let boundary: Policy | undefined;
    if (e.kind !== 'group') {
      const b = r.str(e.ctx, r.prop(e.cfn, 'permissionsBoundary'));
      if (b) boundary = managedPolicy(b, e.path);
    }
    return { policies, boundary };
  };

  return { entities, entityByName, identityPolicies, attachedByName, userGroups, ownPolicies, mayConnectPolicies, managedPolicy };
}
