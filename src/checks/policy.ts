/**
 * Reading IAM policy documents as they appear in a resolved template: statements, action and resource
 * patterns, principals and conditions. Pure functions over JSON; no CDK.
 *
 * Each statement carries its reading in the library's one statement model (`model`, src/private/policy), and the
 * semantics (wildcards, operators, principals, actions) are the functions of src/private/policy, which the access
 * model uses too.
 */
import { TemplateView } from './rule';
import { flatten, isObject, referenceOf, toList } from './template';
import { CONNECT_ACTIONS } from '../private/facts/actions';
import { parseOperator } from '../private/policy/evaluate';
import { LabelledStatement, readStatements } from '../private/policy/json';
import { appliesToEveryone as everyone, coversAction as covers } from '../private/policy/predicates';
import { globMatch, lit } from '../private/policy/values';

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
  /** The statement in the library's one statement model, for the shared predicates (src/private/policy). */
  readonly model: LabelledStatement;
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
  const models = readStatements(doc) ?? [];
  return toList(doc.Statement).filter(isObject).map((st, i) => ({
    label: models[i].label,
    model: models[i],
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
  return globMatch(lit(pattern), lit(value), ignoreCase) === true;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Whether the statement's `Action` (or `NotAction`) covers an action. */
export function coversAction(st: PolicyStatement, action: string): boolean {
  return covers(st.model, action) === true;
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
  return everyone(st.model);
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
  return parseOperator(operator).base;
}
