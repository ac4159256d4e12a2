/**
 * Reading IAM policy documents as they appear in a resolved template: statements, action and resource
 * patterns, principals and conditions. Pure functions over JSON; no CDK.
 */
import { TemplateView } from './rule';
import { flatten, isObject, referenceOf, toList } from './template';

import { CONNECT_ACTIONS } from '../private/conditions';

/** The connect actions of Aurora DSQL, from the one list the library renders its policies with. */
export { CONNECT_ACTIONS, DB_CONNECT, DB_CONNECT_ADMIN } from '../private/conditions';

/** One condition of a statement: `{ <operator>: { <key>: <values> } }`. */
export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: unknown[];
}

/** One statement, with list elements normalised to lists and strings flattened where possible. */
export interface PolicyStatement {
  /** How to name the statement in a finding: its Sid, else its position. */
  readonly label: string;
  readonly effect: string;
  /** Action patterns that are strings; undefined when the statement has no `Action`. */
  readonly actions?: string[];
  readonly notActions?: string[];
  readonly resources?: unknown[];
  readonly notResources?: unknown[];
  readonly principal?: unknown;
  readonly notPrincipal?: unknown;
  readonly conditions: PolicyCondition[];
}

/**
 * The statements of a policy document given as an object, a JSON string, or a JSON string built with
 * `Fn::Join` (what `Stack.toJsonString` renders when the document holds references). Undefined when the
 * value is absent or cannot be read at synth.
 */
export function policyStatements(document: unknown): PolicyStatement[] | undefined {
  let doc = document;
  if (doc === undefined || doc === null) return undefined;
  if (!isObject(doc) || !('Statement' in doc)) {
    const text = flatten(doc);
    if (text === undefined) return undefined;
    try {
      doc = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!isObject(doc)) return undefined;
  return toList(doc.Statement).filter(isObject).map((st, i) => ({
    label: typeof st.Sid === 'string' && st.Sid !== '' ? `statement "${st.Sid}"` : `statement ${i + 1}`,
    effect: String(st.Effect),
    actions: st.Action === undefined ? undefined : strings(st.Action),
    notActions: st.NotAction === undefined ? undefined : strings(st.NotAction),
    resources: st.Resource === undefined ? undefined : toList(st.Resource),
    notResources: st.NotResource === undefined ? undefined : toList(st.NotResource),
    principal: st.Principal,
    notPrincipal: st.NotPrincipal,
    conditions: conditionsOf(st.Condition),
  }));
}

function strings(value: unknown): string[] {
  return toList(value).map(flatten).filter((s): s is string => s !== undefined);
}

function conditionsOf(block: unknown): PolicyCondition[] {
  if (!isObject(block)) return [];
  const out: PolicyCondition[] = [];
  for (const [operator, entries] of Object.entries(block)) {
    if (!isObject(entries)) continue;
    for (const [key, values] of Object.entries(entries)) out.push({ operator, key, values: toList(values) });
  }
  return out;
}

/** IAM wildcard match (`*` any run, `?` one character). Action names are case-insensitive, ARNs are not. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Whether the statement's `Action` (or `NotAction`) covers an action. */
export function coversAction(st: PolicyStatement, action: string): boolean {
  if (st.actions) return st.actions.some((p) => wildcardMatch(p, action, true));
  if (st.notActions) return !st.notActions.some((p) => wildcardMatch(p, action, true));
  return false;
}

/** The connect actions a statement covers. */
export function connectActionsCovered(st: PolicyStatement): string[] {
  return CONNECT_ACTIONS.filter((a) => coversAction(st, a));
}

/** What the resources of a statement can be, as far as DSQL clusters go. */
export type ResourceScope = 'all-clusters' | 'cluster' | 'other' | 'unknown';

/** The resource part of an arbitrary cluster ARN: a pattern that matches it matches every cluster. */
const ANY_CLUSTER = 'cluster/zq9xk2sample0cluster0idzq9';

/** What one `Resource` entry can name. */
export function resourceScope(value: unknown, template: TemplateView): ResourceScope {
  const ref = referenceOf(value);
  if (ref) {
    const target = template.resources.get(ref.logicalId);
    if (!target) return 'unknown';
    return target.type === 'AWS::DSQL::Cluster' ? 'cluster' : 'other';
  }
  const text = flatten(value);
  if (text === undefined) return 'unknown';
  if (text === '*') return 'all-clusters';
  const placeholder = /^<([^.>]+)[.>]/.exec(text);
  if (placeholder) {
    const target = template.resources.get(placeholder[1]);
    if (!target) return 'unknown';
    return target.type === 'AWS::DSQL::Cluster' ? 'cluster' : 'other';
  }
  // Placeholders such as <AWS::Region> hold colons of their own.
  const parts = text.replace(/<[^>]*>/g, (m) => m.replace(/:/g, '.')).split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return 'other';
  if (!wildcardMatch(parts[2], 'dsql', true)) return 'other';
  return wildcardMatch(parts.slice(5).join(':'), ANY_CLUSTER, false) ? 'all-clusters' : 'cluster';
}

/** What the resources of a statement can be; `NotResource` names every cluster unless it excludes them. */
export function statementScopes(st: PolicyStatement, template: TemplateView): ResourceScope[] {
  if (st.resources) return st.resources.map((r) => resourceScope(r, template));
  if (st.notResources) {
    const excludesClusters = st.notResources.some((r) => resourceScope(r, template) === 'all-clusters');
    return [excludesClusters ? 'other' : 'all-clusters'];
  }
  return ['unknown'];
}

/** The `AWS` entries of a principal element, flattened (unreadable entries are left out). */
export function awsPrincipals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (!isObject(principal)) return [];
  return toList(principal.AWS).map(flatten).filter((s): s is string => s !== undefined);
}

/** Whether a statement applies to every principal: `Principal: "*"`, `{ AWS: "*" }`, or a `NotPrincipal`. */
export function appliesToEveryone(st: PolicyStatement): boolean {
  return st.notPrincipal !== undefined || awsPrincipals(st.principal).includes('*');
}

/** The 12-digit accounts a principal element names (account ids, `arn:…:iam::<account>:…`, `arn:…:sts::<account>:…`). */
export function principalAccounts(principal: unknown): string[] {
  const accounts: string[] = [];
  for (const p of awsPrincipals(principal)) {
    const m = /^(\d{12})$/.exec(p) ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(p);
    if (m) accounts.push(m[1]);
  }
  return accounts;
}

/** The operator without its set prefix (`ForAnyValue:`/`ForAllValues:`) and its `IfExists` suffix. */
export function baseOperator(operator: string): string {
  return operator.replace(/^For(Any|All)Values:/i, '').replace(/IfExists$/i, '');
}
