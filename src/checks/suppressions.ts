/**
 * Suppressions of DSQL rules in a resource's metadata, in cdk-nag's form (so that teams that use cdk-nag already
 * know it, and `NagSuppressions.addResourceSuppressions` writes it):
 *
 * ```json
 * "Metadata": { "cdk_nag": { "rules_to_suppress": [{ "id": "DSQL-C4", "reason": "…at least 10 characters…" }] } }
 * ```
 *
 * The same list under the key `secure_dsql` is read too. Only entries whose id starts with `DSQL-` are ours.
 */
import { isObject, toList } from './template';

/** The rule that reports invalid suppressions; it cannot be suppressed or turned off. */
export const SUPPRESSION_RULE = {
  id: 'DSQL-S1',
  level: 'error' as const,
  summary: 'Suppression of a DSQL rule without a reason of at least 10 characters, with `applies_to`, or naming no rule',
  reason: 'A suppression of a DSQL rule on this resource is not valid, so it is ignored',
  fix: 'Give each entry of rules_to_suppress an id of a DSQL rule and a reason of at least 10 characters that says why the rule '
    + 'cannot apply here; DSQL rules do not read applies_to.',
};

export const MIN_REASON_LENGTH = 10;

export interface Suppressions {
  /** Rule id to reason, for the valid suppressions. */
  readonly valid: ReadonlyMap<string, string>;
  /** What is wrong with the others. */
  readonly problems: string[];
}

export function readSuppressions(metadata: Record<string, any>, ruleIds: readonly string[]): Suppressions {
  const valid = new Map<string, string>();
  const problems: string[] = [];
  for (const key of ['cdk_nag', 'secure_dsql']) {
    const block = metadata[key];
    if (!isObject(block)) continue;
    for (const entry of toList(block.rules_to_suppress)) {
      if (!isObject(entry) || typeof entry.id !== 'string' || !entry.id.startsWith('DSQL-')) continue;
      const id = entry.id;
      const reason = typeof entry.reason === 'string' ? entry.reason.trim() : '';
      if (id === SUPPRESSION_RULE.id) {
        problems.push(`${key}: ${id} cannot be suppressed`);
      } else if (!ruleIds.includes(id)) {
        problems.push(`${key}: ${id} names no DSQL rule`);
      } else if (reason.length < MIN_REASON_LENGTH) {
        problems.push(`${key}: the suppression of ${id} has no reason of at least ${MIN_REASON_LENGTH} characters`);
      } else if (entry.applies_to !== undefined) {
        problems.push(`${key}: the suppression of ${id} has applies_to, which DSQL rules do not read (each reports once per resource)`);
      } else {
        valid.set(id, reason);
      }
    }
  }
  return { valid, problems };
}
