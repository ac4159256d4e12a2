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
  /** For a list: what each element must be. @default - elements are not checked */
  readonly items?: PropKind;
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

function describeKind(kind: ReturnType<typeof kindOf>, value: unknown): string {
  if (kind === 'null') return 'null';
  return kind === 'other' ? typeof value : ARTICLE[kind];
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
      problems.push(failureMessage(scope, prop, value, `must be ${ARTICLE[rule.kind]}, not ${describeKind(kind, value)}`, rule.fix));
      continue;
    }
    if (rule.kind === 'list' && rule.items) {
      (value as unknown[]).forEach((item, i) => {
        const itemKind = kindOf(item);
        if (itemKind !== rule.items) {
          problems.push(failureMessage(scope, `${prop}[${i}]`, item, `must be ${ARTICLE[rule.items!]}, not ${describeKind(itemKind, item)}`, rule.fix));
        }
      });
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

/**
 * Check one argument of a method (`addCluster(cluster)`, `allowFrom(client)`): present and of its kind. `name` is
 * how messages name it, e.g. `addCluster(cluster)`.
 */
export function checkArgument(scope: IConstruct, name: string, value: unknown, kind: PropKind, fix: string): void {
  throwProblems(scope, propShapeProblems(scope, { [name]: value }, [{ path: name, kind, required: true, fix }]));
}

/** A list prop, optional unless `required`, whose elements are `items` when given. */
export function listRule(path: string, fix: string, required = false, items?: PropKind): PropRule {
  return { path, kind: 'list', required, fix, items };
}
