import { CfnElement, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { failureMessage } from './errors';
import { RefMarker, ReferenceReader } from './references';

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

/** Delimits reference markers; never part of a CloudFormation value. */
const MARK = '\u0000';

/** The key of a resource: a `Ref` marker of it. */
function resourceKey(cfn: CfnElement): string {
  return `${MARK}${cfn.node.path}#Ref${MARK}`;
}

/** The L1 identities and managed policies of `scope`'s tree, without the trees of nested stages (they validate themselves). */
function identitiesAndPolicies(scope: IConstruct): { identities: Array<iam.CfnRole | iam.CfnUser | iam.CfnGroup>; policies: iam.CfnManagedPolicy[] } {
  const identities: Array<iam.CfnRole | iam.CfnUser | iam.CfnGroup> = [];
  const policies: iam.CfnManagedPolicy[] = [];
  const visit = (c: IConstruct) => {
    if (c instanceof iam.CfnManagedPolicy) policies.push(c);
    else if (c instanceof iam.CfnRole || c instanceof iam.CfnUser || c instanceof iam.CfnGroup) identities.push(c);
    for (const child of c.node.children) if (!Stage.isStage(child)) visit(child);
  };
  visit(scope);
  return { identities, policies };
}

function quotaProblems(scope: IConstruct, owners: readonly Owner[]): string[] {
  const { identities: l1Identities, policies: l1Policies } = identitiesAndPolicies(scope);
  // Read with the library's one reference resolver: a reference becomes a marker of its target (by construct
  // path), so a role referenced from another stack (an export and `Fn::ImportValue` in the template) has the same
  // key as in its own stack, and no logical id (an MD5 of the path) is computed.
  const reader = new ReferenceReader();
  const markerKey = (m: RefMarker) => `${MARK}${m.target ? m.target.node.path : m.ctx.sid}#${m.attr}${MARK}`;
  // The key of a read value: a reference names its target; a name or an ARN is itself; anything else (an
  // `Fn::Join`, an import) its JSON with the references inside named the same way.
  const keyOf = (value: unknown, kind: string): string => {
    if (value instanceof RefMarker) return markerKey(value);
    if (typeof value === 'string') return `${kind}:${value}`;
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof RefMarker ? markerKey(v) : v));
  };
  const list = (on: IConstruct, value: unknown): unknown[] => {
    if (value === undefined) return [];
    const read = reader.resolve(on, value);
    return Array.isArray(read) ? read : [];
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

  for (const cfn of l1Identities) {
    const kind: Kind = cfn instanceof iam.CfnRole ? 'role' : cfn instanceof iam.CfnUser ? 'user' : 'group';
    const label = cfn.node.scope && cfn.node.id === 'Resource' ? cfn.node.scope.node.path : cfn.node.path;
    const id = identity(resourceKey(cfn), kind, label);
    for (const arn of list(cfn, cfn.managedPolicyArns)) id.policies.add(keyOf(arn, 'policy'));
  }
  for (const c of l1Policies) {
    const key = resourceKey(c);
    for (const [kind, names] of [['role', c.roles], ['user', c.users], ['group', c.groups]] as const) {
      for (const name of list(c, names)) {
        const idKey = keyOf(name, kind);
        const label = idKey.startsWith(MARK) ? idKey.slice(1, -1) : idKey.startsWith(`${kind}:`) ? idKey.slice(kind.length + 1) : idKey;
        identity(idKey, kind, label).policies.add(key);
      }
    }
  }

  // Which identities carry an owner's policies, and the quota the owners declared.
  const ownerOf = new Map<string, Owner>();
  for (const owner of owners) {
    for (const p of owner.policies) ownerOf.set(resourceKey(p.node.defaultChild as iam.CfnManagedPolicy), owner);
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
