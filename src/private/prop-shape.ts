import { IConstruct } from 'constructs';
import { failureMessage, throwProblems } from './errors';

/**
 * The shape of a construct's props as TypeScript guarantees it and JavaScript or jsii callers may not: a
 * required prop that is missing, a list given as a single value, an object given as something else. Checked
 * before anything reads the props, so that such a caller gets a validation error naming the construct, the
 * property and the fix instead of a `TypeError` from deep inside the construct (docs/ARCHITECTURE.md,
 * "Errors for every caller").
 */

/** What a prop must be. */
export type PropKind = 'list' | 'object' | 'string' | 'boolean' | 'number';

/** One prop of a shape: its dotted path under the props (`networkAcl.allowedCidrs`), its kind, and the fix. */
export interface PropRule {
  readonly path: string;
  readonly kind: PropKind;
  /** A missing value is a problem. @default false */
  readonly required?: boolean;
  /** What to give instead. */
  readonly fix: string;
}

function kindOf(value: unknown): PropKind | 'null' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  const t = typeof value;
  if (t === 'object' || t === 'function') return 'object';
  if (t === 'string' || t === 'boolean' || t === 'number') return t;
  return 'other';
}

const ARTICLE: Record<PropKind, string> = {
  list: 'a list', object: 'an object', string: 'a string', boolean: 'a boolean', number: 'a number',
};

/** The value at a dotted path, or undefined when a parent is absent or not an object. */
function valueAt(props: unknown, path: string): { present: boolean; value: unknown } {
  let current: unknown = props;
  for (const part of path.split('.')) {
    if (current === undefined || current === null || typeof current !== 'object') return { present: false, value: undefined };
    current = (current as Record<string, unknown>)[part];
  }
  return { present: true, value: current };
}

/** The problems of `props` against `rules`, as messages of the one formatter on `scope`. Pure but for the path. */
export function propShapeProblems(scope: IConstruct, props: unknown, rules: readonly PropRule[], prefix = ''): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const { present, value } = valueAt(props, rule.path);
    if (!present) continue; // the parent is missing or malformed: reported by its own rule
    const prop = `${prefix}${rule.path}`;
    if (value === undefined || value === null) {
      if (rule.required) problems.push(failureMessage(scope, prop, value, 'is required but missing', rule.fix));
      continue;
    }
    const kind = kindOf(value);
    if (kind !== rule.kind) {
      problems.push(failureMessage(scope, prop, value, `must be ${ARTICLE[rule.kind]}, not ${kind === 'other' ? typeof value : ARTICLE[kind as PropKind]}`, rule.fix));
    }
  }
  return problems;
}

/** Throw every shape problem of `props` at once (nothing when the props have the shape). */
export function checkPropShape(scope: IConstruct, props: unknown, rules: readonly PropRule[], prefix = ''): void {
  if (props === undefined || props === null || typeof props !== 'object') {
    const required = rules.filter((r) => r.required && !r.path.includes('.'));
    if (required.length > 0) {
      throwProblems(scope, [failureMessage(scope, prefix ? prefix.replace(/\.$/, '') : 'props', props, 'must be an object with '
        + required.map((r) => r.path).join(', '), required.map((r) => r.fix).join(' '))]);
    }
    return;
  }
  throwProblems(scope, propShapeProblems(scope, props, rules, prefix));
}

/** Rules for a list of `IConstruct`s / ARNs and such: a list, optional. */
export function listRule(path: string, fix: string, required = false): PropRule {
  return { path, kind: 'list', required, fix };
}
