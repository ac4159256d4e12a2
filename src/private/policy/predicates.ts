/**
 * Predicates over statements that both analysers use (the access model's checks and the rule pack's rules), so
 * that they cannot disagree: whether DSQL block public access rejects a statement, which actions a statement or
 * a wildcard reaches. Pure: no CDK.
 */
import { Condition, Statement, parseOperator } from './evaluate';
import { Str, Tri, globMatch, lit, literal } from './values';
import { WRITE_OR_CONNECT_ACTIONS } from '../facts/actions';
import { BPA_TRUSTED_KEYS } from '../facts/condition-keys';

/** Operators with which a trusted key restricts an `Allow` (lower case, without `IfExists`: that is true on a missing key). */
const BPA_OPERATORS = ['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'bool'];

/**
 * Whether a condition makes an `Allow` to `*` non-public for DSQL block public access: a trusted key
 * (BPA_TRUSTED_KEYS), a positive operator without `IfExists` and not `ForAllValues:` (both are true when the key
 * is missing), at least one value, no value with a wildcard or a policy variable, and `Bool` only with `true`
 * (the user guide: `aws:PrincipalIsAWSService` must be set to true). A value known at deploy time only (a
 * reference) has no wildcard; one that cannot be read at all is not a restriction.
 */
export function bpaRestricts(c: Condition): boolean {
  if (!BPA_TRUSTED_KEYS.includes(c.key.toLowerCase())) return false;
  const op = parseOperator(c.operator);
  if (op.ifExists || op.set === 'all') return false;
  const base = op.base.toLowerCase();
  if (!BPA_OPERATORS.includes(base)) return false;
  if (!c.values || c.values.length === 0) return false;
  if (c.values.some((v) => v.some((p) => typeof p === 'string' && /[*?]|\$\{/.test(p)))) return false;
  return base !== 'bool' || c.values.every((v) => literal(v)?.toLowerCase() === 'true');
}

/** Whether a statement applies to every principal: `Principal: "*"`, an `AWS` entry with `*`, or a `NotPrincipal`. */
export function appliesToEveryone(st: Statement): boolean {
  if (st.notPrincipal !== undefined) return true;
  const p = st.principal;
  if (!p) return false;
  return p.any || p.aws.some((a) => (literal(a) ?? '').includes('*'));
}

/**
 * Whether DSQL block public access rejects a statement of a cluster's resource-based policy: an `Allow` that applies
 * to every principal without a condition that `bpaRestricts`. (Aurora DSQL user guide, "Blocking public access with
 * resource-based policies".)
 */
export function bpaRejects(st: Statement): boolean {
  return st.effect === 'Allow' && appliesToEveryone(st) && !st.conditions.some(bpaRestricts);
}

/** Whether the statement's `Action` (or `NotAction`) covers an action: true, false, or unknown (an unreadable pattern). */
export function coversAction(st: Statement, action: string): Tri {
  const value = lit(action);
  if (st.actions) return Tri.or(...st.actions.map((p) => globMatch(p, value, true)));
  if (st.notActions) return Tri.not(Tri.or(...st.notActions.map((p) => globMatch(p, value, true))));
  return false;
}

/** The actions of `actions` that the statement certainly covers. */
export function coveredActions(st: Statement, actions: readonly string[]): string[] {
  return actions.filter((a) => coversAction(st, a) === true);
}

/**
 * The writes and connect actions a wildcard action pattern reaches (WRITE_OR_CONNECT_ACTIONS); empty for a pattern
 * without wildcard or one that cannot be read. What a management endpoint policy must not admit by wildcard.
 */
export function wildcardReach(pattern: Str): string[] {
  const l = literal(pattern);
  if (l === undefined || !/[*?]/.test(l)) return [];
  return WRITE_OR_CONNECT_ACTIONS.filter((x) => globMatch(pattern, lit(x), true) === true);
}
