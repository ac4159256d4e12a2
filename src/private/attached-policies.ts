import { CfnOutput, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { failureMessage } from './errors';

/**
 * The IAM quota of managed policies attached to one role, user or group: 10 by default, 20 at most after a
 * quota increase (IAM User Guide, "IAM and AWS STS quotas": "Managed policies attached to an IAM role / user /
 * group").
 */
export const ATTACHED_POLICIES = { default: 10, max: 20 } as const;

/** A construct of the library whose managed policies must all be attached to the same identities. */
interface Owner {
  readonly construct: IConstruct;
  readonly policies: readonly iam.ManagedPolicy[];
  /** The quota the user declared (or the default). */
  readonly quota: number;
}

type Kind = 'role' | 'user' | 'group';

/** One identity of the app and the managed policies attached to it. */
interface Identity {
  readonly kind: Kind;
  readonly label: string;
  readonly policies: Set<string>;
}

const REGISTRY = Symbol.for('secure-dsql.AttachedPoliciesRegistry');

/**
 * Register the managed policies of `owner` for the per-identity quota check. The check is ONE validation per
 * Stage (an App is a Stage; references cannot cross stages): it walks the stage's construct tree once at
 * synth, whatever the number of owners, and counts for every role, user and group that carries a policy of an
 * owner all the managed policies attached to it: through `AWS::IAM::ManagedPolicy` `Roles`/`Users`/`Groups`
 * (`attachToRole`…) and through the identity's own `ManagedPolicyArns` (`role.addManagedPolicy`, L1 props,
 * AWS managed policies). Policies attached outside the app (to an imported role) cannot be seen.
 */
export function registerAttachedPolicies(owner: IConstruct, policies: readonly iam.ManagedPolicy[], quota: number): void {
  const scope = Stage.of(owner) ?? owner.node.root;
  const holder = scope as unknown as Record<symbol, Owner[] | undefined>;
  let owners = holder[REGISTRY];
  if (!owners) {
    const list: Owner[] = [];
    owners = list;
    Object.defineProperty(scope, REGISTRY, { value: list, enumerable: false });
    scope.node.addValidation({ validate: () => quotaProblems(scope, list) });
  }
  owners.push({ construct: owner, policies, quota });
}

/** Every construct of `scope`'s tree, without the trees of nested stages (they validate themselves). */
function constructsOf(scope: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const visit = (c: IConstruct) => {
    out.push(c);
    for (const child of c.node.children) if (!Stage.isStage(child)) visit(child);
  };
  visit(scope);
  return out;
}

function isRef(v: unknown): v is { Ref: string } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { Ref?: unknown }).Ref === 'string';
}

function importName(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1) return undefined;
  const name = (v as Record<string, unknown>)['Fn::ImportValue'];
  return typeof name === 'string' ? name : undefined;
}

function quotaProblems(scope: IConstruct, owners: readonly Owner[]): string[] {
  const all = constructsOf(scope);
  const resourceKey = (stack: Stack, logicalId: string) => `${stack.node.path}::${logicalId}`;

  // Exports of the stages' stacks, so that a cross-stack reference (Fn::ImportValue) names the same resource.
  const exportedRefs = new Map<string, string>();
  for (const c of all) {
    if (!(c instanceof CfnOutput)) continue;
    const stack = Stack.of(c);
    const name = stack.resolve(c.exportName);
    const value = stack.resolve(c.value);
    if (typeof name === 'string' && isRef(value)) exportedRefs.set(name, resourceKey(stack, value.Ref));
  }
  // The key of a resource as a resolved value in `stack`: a Ref, an import of an export, a name or an ARN.
  const keyOf = (stack: Stack, value: unknown, kind: string): string => {
    if (isRef(value)) return resourceKey(stack, value.Ref);
    const imported = importName(value);
    if (imported !== undefined) return exportedRefs.get(imported) ?? `import:${imported}`;
    return typeof value === 'string' ? `${kind}:${value}` : JSON.stringify(value);
  };
  const list = (stack: Stack, value: unknown): unknown[] => {
    const resolved = stack.resolve(value);
    return Array.isArray(resolved) ? resolved : [];
  };

  const identities = new Map<string, Identity>();
  const identity = (key: string, kind: Kind, label: string): Identity => {
    let found = identities.get(key);
    if (!found) {
      found = { kind, label, policies: new Set() };
      identities.set(key, found);
    }
    return found;
  };

  for (const c of all) {
    const kind: Kind | undefined = c instanceof iam.CfnRole ? 'role' : c instanceof iam.CfnUser ? 'user' : c instanceof iam.CfnGroup ? 'group' : undefined;
    if (!kind) continue;
    const cfn = c as iam.CfnRole | iam.CfnUser | iam.CfnGroup;
    const stack = Stack.of(cfn);
    const label = cfn.node.scope && cfn.node.id === 'Resource' ? cfn.node.scope.node.path : cfn.node.path;
    const id = identity(resourceKey(stack, stack.getLogicalId(cfn)), kind, label);
    for (const arn of list(stack, cfn.managedPolicyArns)) id.policies.add(keyOf(stack, arn, 'policy'));
  }
  for (const c of all) {
    if (!(c instanceof iam.CfnManagedPolicy)) continue;
    const stack = Stack.of(c);
    const key = resourceKey(stack, stack.getLogicalId(c));
    for (const [kind, names] of [['role', c.roles], ['user', c.users], ['group', c.groups]] as const) {
      for (const name of list(stack, names)) {
        const idKey = keyOf(stack, name, kind);
        identity(idKey, kind, idKey.startsWith(`${kind}:`) ? idKey.slice(kind.length + 1) : idKey).policies.add(key);
      }
    }
  }

  // Which identities carry an owner's policies, and the quota the owners declared.
  const ownerOf = new Map<string, Owner>();
  for (const owner of owners) {
    for (const p of owner.policies) {
      const cfn = p.node.defaultChild as iam.CfnManagedPolicy;
      const stack = Stack.of(cfn);
      ownerOf.set(resourceKey(stack, stack.getLogicalId(cfn)), owner);
    }
  }
  const problems: string[] = [];
  for (const id of identities.values()) {
    const attachedOwners = [...new Set([...id.policies].map((k) => ownerOf.get(k)).filter((o): o is Owner => o !== undefined))];
    if (attachedOwners.length === 0) continue;
    const quota = Math.max(...attachedOwners.map((o) => o.quota));
    const count = id.policies.size;
    if (count <= quota) continue;
    const fromOwners = attachedOwners.map((o) => {
      const n = [...id.policies].filter((k) => ownerOf.get(k) === o).length;
      return `${n} of ${o.construct.node.path}`;
    });
    const others = count - attachedOwners.reduce((sum, o) => sum + [...id.policies].filter((k) => ownerOf.get(k) === o).length, 0);
    problems.push(failureMessage(attachedOwners[0].construct, `${id.kind}s`, `${count} managed policies`,
      `attaches ${id.kind} ${id.label} to ${count} managed policies (${fromOwners.join(', ')}${others > 0 ? `, ${others} other` : ''}), `
      + `over the IAM quota of ${quota} managed policies per ${id.kind}${quota === ATTACHED_POLICIES.default ? ' (the default)' : ' (declared with attachedPoliciesQuota)'}`,
      'Name fewer clusters per policy or shorten the condition lists (fewer parts), detach managed policies the identity does not need, '
      + `or, if your account's quota was raised (at most ${ATTACHED_POLICIES.max}), declare it with attachedPoliciesQuota.`));
  }
  return problems;
}
