/**
 * An independent judge of EventBridge event patterns (Amazon EventBridge User Guide, "Event patterns",
 * "Arrays in event patterns", "Content filtering"), for the operators the library writes: exact values,
 * `anything-but` (a list), `exists`, `prefix`, `$or`, and arrays in the event (any element may match; an
 * array of objects is matched element by element).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Whether `pattern` (resolved, as in the template) matches `event`. */
export function matchesPattern(pattern: Record<string, any>, event: Record<string, any>): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, any>, value: Json | undefined): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as Record<string, any>[]).some(alt => matchObject(alt, value));
    const field = leaves(value).map(v => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>)[key] : undefined));
    if (Array.isArray(sub)) return matchValues(sub, field.flatMap(f => leaves(f)).filter(f => f !== undefined), field.some(f => f !== undefined));
    return field.some(f => f !== undefined && matchObject(sub, f));
  });
}

/** An array in the event stands for each of its elements. */
function leaves(value: Json | undefined): (Json | undefined)[] {
  return Array.isArray(value) ? value.flatMap(v => leaves(v)) : [value];
}

function matchValues(conditions: any[], values: Json[], present: boolean): boolean {
  return conditions.some(c => {
    if (c !== null && typeof c === 'object' && !isIntrinsic(c)) {
      if ('exists' in c) return c.exists === present;
      if ('anything-but' in c) {
        const excluded: Json[] = Array.isArray(c['anything-but']) ? c['anything-but'] : [c['anything-but']];
        return present && values.some(v => !excluded.some(e => same(e, v)));
      }
      if ('prefix' in c) return values.some(v => typeof v === 'string' && v.startsWith(c.prefix));
      throw new Error(`operator not modelled: ${JSON.stringify(c)}`);
    }
    return values.some(v => same(v, c));
  });
}

/** A CloudFormation reference left in a template (`Ref`, `Fn::…`): a value, not an operator. */
function isIntrinsic(c: object): boolean {
  const keys = Object.keys(c);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Values compare as JSON, so that unresolved references in a template compare by what they refer to. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
