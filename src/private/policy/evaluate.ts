/**
 * The one IAM semantics of the library (docs/ARCHITECTURE.md, "Facts and policy semantics"): a three-valued
 * policy evaluator over symbolic values, which statements apply to a request whose context is known in part
 * only. The access model evaluates requests with it; the rule pack reads its statements into the same model
 * (`./json`) and judges them with the same predicates (`./predicates`). Pure: no CDK.
 *
 * The semantics follow the IAM policy evaluation logic (IAM User Guide, "Policy evaluation logic" and
 * "IAM JSON policy elements: Condition operators"):
 * - an explicit Deny in any policy wins; without an Allow the request is implicitly denied;
 * - a condition block is the AND of its operators, an operator the AND of its keys, a key the OR of its
 *   values (the negated operators negate that OR);
 * - a key missing from the request makes a positive operator false and a negated one true; `…IfExists`
 *   makes it true; `Null` tests presence; `ForAnyValue` is false and `ForAllValues` true on a missing key.
 * Whatever the model cannot decide (an unknown value, an operator it does not evaluate) is `undefined`,
 * which can never become an Allow.
 */
import { Str, Tri, globMatch, keyOf, literal, strEquals } from './values';
import { mergeCidrs, parseCidr } from '../cidr';

export interface Condition {
  /** The operator as written, e.g. `StringNotEqualsIfExists`, `ForAnyValue:StringLike`. */
  readonly operator: string;
  readonly key: string;
  /** The values; undefined when the list itself is unknown (a parameter of type list). */
  readonly values?: Str[];
}

export interface PrincipalSpec {
  /** `"*"` or `{"AWS": "*"}`. */
  readonly any: boolean;
  readonly aws: Str[];
  /** Service, Federated or CanonicalUser principals: never an IAM role or user. */
  readonly other: number;
  /** The element could not be read. */
  readonly unknown?: boolean;
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly actions?: Str[];
  readonly notActions?: Str[];
  readonly resources?: Str[];
  readonly notResources?: Str[];
  readonly conditions: Condition[];
  /** Part of the statement could not be read: it applies or not, nobody knows. */
  readonly unknown?: boolean;
}

export interface Policy {
  /** Where the policy comes from (a construct path, or an ARN). */
  readonly name: string;
  readonly statements: Statement[];
  /** The content is not known (an AWS managed policy, a policy outside the app). */
  readonly unknown?: boolean;
}

/** The value of one key in a request. */
export type KeyValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'values'; readonly values: Str[] }
  /** An IP address inside one of `within` (CIDRs); any address when `within` is undefined. */
  | { readonly kind: 'ip'; readonly within?: string[] }
  /** Present or not, any value. */
  | { readonly kind: 'unknown' };

export interface PrincipalRef {
  /** `aws:PrincipalArn`. */
  readonly arn: Str;
  /** `aws:PrincipalAccount`. */
  readonly account: Str;
  /** `arn:<partition>:iam::<account>:root`, to match account principals. */
  readonly rootArn: Str;
  readonly type: 'role' | 'user' | 'unknown';
}

export interface Request {
  readonly principal: PrincipalRef;
  /**
   * The principal has a permissions boundary: a Deny with NotPrincipal then applies to it whatever the
   * NotPrincipal lists (IAM User Guide, "Permissions boundaries for IAM entities").
   */
  readonly principalHasBoundary?: boolean;
  readonly action: string;
  readonly resource: Str;
  /** Context keys (lower-case names). Keys not listed are unknown. */
  readonly keys: ReadonlyMap<string, KeyValue>;
}

export interface PolicyVerdict {
  /** Some Allow statement applies. */
  readonly allow: Tri;
  /** Some Deny statement applies. */
  readonly deny: Tri;
  /** Sids (or indexes) of the Deny statements that certainly apply, for messages. */
  readonly denyingStatements: string[];
}

const ABSENT: KeyValue = { kind: 'absent' };
const UNKNOWN: KeyValue = { kind: 'unknown' };

function anyOf<T>(items: readonly T[], f: (x: T) => Tri): Tri {
  let unknown = false;
  for (const x of items) {
    const v = f(x);
    if (v === true) return true;
    if (v === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function allOf<T>(items: readonly T[], f: (x: T) => Tri): Tri {
  let unknown = false;
  for (const x of items) {
    const v = f(x);
    if (v === false) return false;
    if (v === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

/** Whether an IP somewhere in `within` (or anywhere) lies in one of the blocks of `cidrs`. */
function ipIn(within: string[] | undefined, cidrs: Str[]): Tri {
  const blocks: string[] = [];
  let unknown = false;
  for (const c of cidrs) {
    const l = literal(c);
    if (l === undefined) {
      unknown = true;
      continue;
    }
    const text = l.includes('/') ? l : `${l}/${l.includes(':') ? 128 : 32}`;
    try {
      parseCidr(text);
      blocks.push(text);
    } catch {
      unknown = true;
    }
  }
  const merged = mergeCidrs(blocks).map(parseCidr);
  if (within === undefined) {
    // Any address: certainly inside when the blocks cover every IPv4 and every IPv6 address.
    const covers = (v: 4 | 6) => merged.some((b) => b.version === v && b.start === 0n && b.end === (v === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n));
    return covers(4) && covers(6) ? true : undefined;
  }
  let all = true;
  let some = false;
  for (const w of within) {
    const r = parseCidr(w);
    const contained = merged.some((b) => b.version === r.version && b.start <= r.start && r.end <= b.end);
    const overlaps = merged.some((b) => b.version === r.version && b.start <= r.end && r.start <= b.end);
    if (!contained) all = false;
    if (overlaps) some = true;
  }
  if (all && within.length > 0) return true;
  if (!some && !unknown) return false;
  return undefined;
}

const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike', 'NotIpAddress',
  'NumericNotEquals', 'DateNotEquals', 'BinaryNotEquals']);

/** A condition operator taken apart. */
export interface ParsedOperator {
  /** The operator without its set prefix and its `IfExists` suffix, e.g. `StringNotEquals`. */
  readonly base: string;
  readonly ifExists: boolean;
  /** `ForAnyValue:` or `ForAllValues:`. */
  readonly set?: 'any' | 'all';
  /** A negated operator (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`…): true on a missing key. */
  readonly negated: boolean;
}

/** Take an operator apart: its set prefix, its base, `IfExists` (operator names are case-sensitive in IAM). */
export function parseOperator(operator: string): ParsedOperator {
  let op = operator;
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) {
    set = 'any';
    op = op.slice('ForAnyValue:'.length);
  } else if (op.startsWith('ForAllValues:')) {
    set = 'all';
    op = op.slice('ForAllValues:'.length);
  }
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  return { base: op, ifExists, set, negated: NEGATED.has(op) };
}

/** One context value against the condition's values, with the positive form of the operator. */
function positiveMatch(base: string, value: Str, values: Str[]): Tri {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return anyOf(values, (c) => strEquals(c, value));
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return anyOf(values, (c) => strEquals(c, value, true));
    case 'StringLike':
    case 'StringNotLike':
    case 'ArnEquals':
    case 'ArnNotEquals':
    case 'ArnLike':
    case 'ArnNotLike':
      return anyOf(values, (c) => globMatch(c, value));
    case 'Bool':
      return anyOf(values, (c) => strEquals(c.map((p) => (typeof p === 'string' ? p.toLowerCase() : p)),
        value.map((p) => (typeof p === 'string' ? p.toLowerCase() : p))));
    case 'IpAddress':
    case 'NotIpAddress': {
      const l = literal(value);
      return l === undefined ? undefined : ipIn([l.includes('/') ? l : `${l}/${l.includes(':') ? 128 : 32}`], values);
    }
    default:
      return undefined; // Numeric, Date, Binary: not evaluated
  }
}

/** Evaluate one key of one operator. */
export function evaluateCondition(condition: Condition, keys: ReadonlyMap<string, KeyValue>): Tri {
  const { base, ifExists, set, negated } = parseOperator(condition.operator);
  const key = condition.key.toLowerCase();
  const kv = keys.get(key) ?? UNKNOWN;
  if (base === 'Null') {
    const values = condition.values;
    if (!values || values.length !== 1) return undefined;
    const expected = literal(values[0])?.toLowerCase();
    if (expected !== 'true' && expected !== 'false') return undefined;
    if (kv.kind === 'unknown') return undefined;
    const absent = kv.kind === 'absent' || (kv.kind === 'values' && kv.values.length === 0);
    return expected === 'true' ? absent : !absent;
  }
  if (kv.kind === 'absent' || (kv.kind === 'values' && kv.values.length === 0)) {
    if (set === 'any') return false;
    if (set === 'all') return true;
    if (ifExists) return true;
    return negated;
  }
  if (kv.kind === 'unknown') return undefined;
  const values = condition.values;
  if (values === undefined) return undefined;
  if (kv.kind === 'ip') {
    if (base !== 'IpAddress' && base !== 'NotIpAddress') return undefined;
    const m = ipIn(kv.within, values);
    return negated ? Tri.not(m) : m;
  }
  const one = (v: Str) => {
    const m = positiveMatch(base, v, values);
    return negated ? Tri.not(m) : m;
  };
  if (set === 'all') return allOf(kv.values, one);
  return anyOf(kv.values, one);
}

function principalMatches(spec: PrincipalSpec, p: PrincipalRef, effect: 'Allow' | 'Deny'): Tri {
  if (spec.unknown) return undefined;
  if (spec.any) return true;
  return anyOf(spec.aws, (a) => {
    const l = literal(a);
    if (l === '*') return true;
    const isAccount = (l !== undefined && /^\d{12}$/.test(l)) || (a.length > 0 && typeof a[a.length - 1] === 'string' && (a[a.length - 1] as string).endsWith(':root'));
    if (isAccount) {
      // An account principal in a resource-based policy delegates to the account's identity policies: it
      // grants nothing by itself (Allow), and binds every identity of the account (Deny).
      if (effect === 'Allow') return false;
      return l !== undefined && /^\d{12}$/.test(l) ? strEquals(a, p.account) : strEquals(a, p.rootArn);
    }
    return strEquals(a, p.arn);
  });
}

/**
 * Whether a request is outside a statement's NotPrincipal. A role signs its requests as its assumed-role
 * session (`arn:<partition>:sts::<account>:assumed-role/<name>/<session>`), which is not the role's ARN:
 * whether listing the role's ARN exempts its sessions is not something the model decides (the IAM User
 * Guide, "NotPrincipal", asks for the session ARN too), so the exemption of a role by its ARN alone is
 * unknown. A principal with a permissions boundary is never exempt from a Deny with NotPrincipal.
 */
function notPrincipalMatches(s: Statement, req: Request): Tri {
  if (s.effect === 'Deny' && req.principalHasBoundary) return true;
  const exempt = principalMatches(s.notPrincipal!, req.principal, 'Deny');
  if (exempt === true && req.principal.type !== 'user' && !s.notPrincipal!.any) return undefined;
  return Tri.not(exempt);
}

/** Whether a statement applies to a request. */
export function statementApplies(s: Statement, req: Request, withPrincipal: boolean): Tri {
  if (s.unknown) return undefined;
  const actionMatch = s.actions
    ? anyOf(s.actions, (a) => globMatch(a, [req.action], true))
    : s.notActions ? Tri.not(anyOf(s.notActions, (a) => globMatch(a, [req.action], true))) : false;
  if (actionMatch === false) return false;
  const resourceMatch = s.resources
    ? anyOf(s.resources, (r) => globMatch(r, req.resource))
    : s.notResources ? Tri.not(anyOf(s.notResources, (r) => globMatch(r, req.resource))) : false;
  if (resourceMatch === false) return false;
  let principalMatch: Tri = true;
  if (withPrincipal) {
    if (s.principal) principalMatch = principalMatches(s.principal, req.principal, s.effect);
    else if (s.notPrincipal) principalMatch = notPrincipalMatches(s, req);
    else principalMatch = false;
  }
  if (principalMatch === false) return false;
  const conditions = allOf(s.conditions, (c) => evaluateCondition(c, req.keys));
  return Tri.and(actionMatch, resourceMatch, principalMatch, conditions);
}

/**
 * Evaluate a set of policies of one kind: identity policies (no Principal element) or a resource-based /
 * endpoint policy (`withPrincipal`).
 */
export function evaluatePolicies(policies: readonly Policy[], req: Request, withPrincipal: boolean,
  allowIf?: (s: Statement) => boolean): PolicyVerdict {
  let allow: Tri = false;
  let deny: Tri = false;
  const denying: string[] = [];
  const resource = shapeOf(req.resource);
  for (const policy of policies) {
    if (policy.unknown) {
      allow = Tri.or(allow, undefined);
      deny = Tri.or(deny, undefined);
      continue;
    }
    for (const [s, i] of candidates(policy, resource)) {
      const applies = statementApplies(s, req, withPrincipal);
      if (s.effect === 'Allow') {
        if (allowIf && !allowIf(s)) continue;
        allow = Tri.or(allow, applies);
      } else {
        deny = Tri.or(deny, applies);
        if (applies === true) denying.push(`${policy.name}#${s.sid ?? i}`);
      }
    }
  }
  return { allow, deny, denyingStatements: denying };
}

/**
 * The shape of a value without wildcards that has at least one hole of a known kind: its literal parts,
 * the kinds of such holes and the ids of the others. Two values of one shape and different keys differ
 * only in holes of one kind with different ids, so they are certainly different (`strEquals` says the
 * same): the statements on other resources of the same shape can be skipped without evaluating them.
 */
interface Shape {
  readonly signature: string;
  readonly key: string;
}

function shapeOf(s: Str): Shape | undefined {
  let kinded = false;
  const signature: string[] = [];
  for (const p of s) {
    if (typeof p === 'string') {
      if (p.includes('*') || p.includes('?')) return undefined;
      signature.push(JSON.stringify(p));
    } else if (p.kind !== undefined) {
      kinded = true;
      signature.push(`<${p.kind}>`);
    } else {
      signature.push(`<=${p.id}>`);
    }
  }
  return kinded ? { signature: signature.join('+'), key: keyOf(s) } : undefined;
}

interface PolicyIndex {
  /** Statements that must always be evaluated. */
  readonly generic: Array<[Statement, number]>;
  /** Statements on resources of one shape, by shape and by resource key. */
  readonly byShape: Map<string, Map<string, Array<[Statement, number]>>>;
}

const INDEXES = new WeakMap<Policy, PolicyIndex>();

function indexOf(policy: Policy): PolicyIndex {
  let index = INDEXES.get(policy);
  if (index) return index;
  index = { generic: [], byShape: new Map() };
  policy.statements.forEach((s, i) => {
    const shapes = s.resources && !s.notResources ? s.resources.map(shapeOf) : [undefined];
    if (shapes.length === 0 || shapes.some((x) => x === undefined)) {
      index!.generic.push([s, i]);
      return;
    }
    for (const shape of shapes as Shape[]) {
      let byKey = index!.byShape.get(shape.signature);
      if (!byKey) index!.byShape.set(shape.signature, byKey = new Map());
      const list = byKey.get(shape.key) ?? [];
      if (!list.some(([x]) => x === s)) list.push([s, i]);
      byKey.set(shape.key, list);
    }
  });
  INDEXES.set(policy, index);
  return index;
}

/** The statements of `policy` that may apply to a request on `resource`, in policy order. */
const NONE: Array<[Statement, number]> = [];

function candidates(policy: Policy, resource: Shape | undefined): Array<[Statement, number]> {
  const index = indexOf(policy);
  if (index.byShape.size === 0) return index.generic;
  if (resource && index.byShape.size === 1 && index.generic.length === 0) {
    const byKey = index.byShape.get(resource.signature);
    if (byKey) return byKey.get(resource.key) ?? NONE;
  }
  const out = new Map<Statement, number>();
  for (const [s, i] of index.generic) out.set(s, i);
  for (const [signature, byKey] of index.byShape) {
    if (resource && signature === resource.signature) {
      for (const [s, i] of byKey.get(resource.key) ?? []) out.set(s, i);
    } else {
      for (const list of byKey.values()) for (const [s, i] of list) out.set(s, i);
    }
  }
  return [...out.entries()].sort((a, b) => a[1] - b[1]);
}

/**
 * Whether an Allow of a resource-based policy reaches a role's session directly (its Principal is `*`, or
 * names an assumed-role session): only then does it grant past the role's permissions boundary. One that
 * grants to the role's ARN is limited by the boundary (IAM User Guide, "Policy evaluation logic",
 * resource-based policies and permissions boundaries); one that grants to an IAM user's ARN is not.
 */
export function grantsToSession(s: Statement): boolean {
  if (!s.principal || s.principal.unknown) return false;
  return s.principal.any || s.principal.aws.some((a) => {
    const l = literal(a);
    return l === '*' || (l !== undefined && /^arn:[^:]+:sts::\d{12}:assumed-role\//.test(l));
  });
}

/** The context of a request over the public endpoint: `aws:SourceIp` only, from an unknown public address. */
export function internetKeys(common: ReadonlyMap<string, KeyValue>): Map<string, KeyValue> {
  const keys = new Map(common);
  keys.set('aws:sourceip', { kind: 'ip' });
  keys.set('aws:sourcevpc', ABSENT);
  keys.set('aws:sourcevpce', ABSENT);
  keys.set('aws:vpcsourceip', ABSENT);
  return keys;
}

/** The context of a request through an interface endpoint: its VPC and id, the client's private address. */
export function endpointKeys(common: ReadonlyMap<string, KeyValue>, vpc: Str, vpce: Str, clientCidrs?: string[]): Map<string, KeyValue> {
  const keys = new Map(common);
  keys.set('aws:sourceip', ABSENT);
  keys.set('aws:sourcevpc', { kind: 'values', values: [vpc] });
  keys.set('aws:sourcevpce', { kind: 'values', values: [vpce] });
  keys.set('aws:vpcsourceip', { kind: 'ip', within: clientCidrs });
  return keys;
}

/** The keys every connect request of `principal` carries. */
export function principalKeys(principal: PrincipalRef): Map<string, KeyValue> {
  const keys = new Map<string, KeyValue>();
  keys.set('aws:principalarn', { kind: 'values', values: [principal.arn] });
  keys.set('aws:principalaccount', { kind: 'values', values: [principal.account] });
  if (principal.type !== 'unknown') {
    keys.set('aws:principaltype', { kind: 'values', values: [[principal.type === 'role' ? 'AssumedRole' : 'User']] });
    keys.set('aws:principalisawsservice', { kind: 'values', values: [['false']] });
    keys.set('aws:principalservicename', ABSENT);
  }
  return keys;
}
