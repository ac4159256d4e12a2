/**
 * Policy documents as a resolved CloudFormation template holds them, read into the one statement model
 * (`./evaluate`): the rule pack's reader. References (`Ref`, `Fn::GetAtt`, pseudo parameters) become holes named
 * after their target, `Fn::Join` and `Fn::Sub` (without a variables map) are concatenated; anything else
 * (`Fn::If`, `Fn::ImportValue`…) cannot be read at synth. Pure: no CDK.
 */
import { Condition, PrincipalSpec, Statement } from './evaluate';
import { Part, Str, concat, hole, lit, literal } from './values';

/** A statement with the name a finding gives it: its Sid, else its position. */
export interface LabelledStatement extends Statement {
  readonly label: string;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A resolved template value as a symbolic string; undefined when it cannot be read at synth. A reference is a hole
 * whose id names its target (`Logical` or `Logical.Attribute`, `AWS::Region`); a parameter's is a `param` hole.
 */
export function strOf(value: unknown, parameters?: ReadonlySet<string>): Str | undefined {
  if (typeof value === 'string') return lit(value);
  if (typeof value === 'number' || typeof value === 'boolean') return lit(String(value));
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const arg = value[keys[0]];
  switch (keys[0]) {
    case 'Ref':
      return typeof arg === 'string' ? [hole(arg, undefined, parameters?.has(arg))] : undefined;
    case 'Fn::GetAtt': {
      const target = Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string') ? `${arg[0]}.${arg[1]}`
        : typeof arg === 'string' && arg.includes('.') ? arg : undefined;
      return target === undefined ? undefined : [hole(target)];
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return undefined;
      const parts: Array<Part | Str> = [];
      for (const [i, v] of arg[1].entries()) {
        const s = strOf(v, parameters);
        if (s === undefined) return undefined;
        if (i > 0) parts.push(arg[0]);
        parts.push(s);
      }
      return concat(...parts);
    }
    case 'Fn::Sub': {
      if (typeof arg !== 'string') return undefined;
      const parts: Part[] = [];
      let last = 0;
      for (const m of arg.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        parts.push(arg.slice(last, m.index));
        parts.push(hole(m[1], undefined, parameters?.has(m[1])));
        last = m.index! + m[0].length;
      }
      parts.push(arg.slice(last));
      return concat(...parts);
    }
    default:
      return undefined;
  }
}

/** The readable entries of a list element; undefined when one of them cannot be read. */
function strList(value: unknown, parameters?: ReadonlySet<string>): Str[] | undefined {
  const out: Str[] = [];
  for (const v of toList(value)) {
    const s = strOf(v, parameters);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function principalOf(value: unknown, parameters?: ReadonlySet<string>): PrincipalSpec | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return { any: true, aws: [], other: 0 };
  if (!isObject(value)) return { any: false, aws: [], other: 0, unknown: true };
  const aws = value.AWS === undefined ? [] : strList(value.AWS, parameters);
  if (!aws) return { any: false, aws: [], other: 0, unknown: true };
  const other = Object.keys(value).filter((k) => k !== 'AWS').length;
  return { any: aws.some((a) => literal(a) === '*'), aws, other };
}

/** The policy document as an object: given as one, as a JSON string, or as a JSON string built with `Fn::Join`. */
export function documentOf(document: unknown): Record<string, any> | undefined {
  if (document === undefined || document === null) return undefined;
  if (isObject(document) && 'Statement' in document) return document;
  const text = strOf(document);
  const l = text && literal(text);
  if (l === undefined) return undefined;
  try {
    const parsed = JSON.parse(l);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The statements of a policy document (object, JSON string, or JSON string built with `Fn::Join` without
 * references); undefined when the document is absent or cannot be read at synth.
 */
export function readStatements(document: unknown, parameters?: ReadonlySet<string>): LabelledStatement[] | undefined {
  const doc = documentOf(document);
  if (!doc) return undefined;
  return toList(doc.Statement).filter(isObject).map((st, i) => {
    let unknown = false;
    const list = (v: unknown) => {
      if (v === undefined) return undefined;
      const l = strList(v, parameters);
      if (!l) unknown = true;
      return l ?? [];
    };
    const conditions: Condition[] = [];
    if (isObject(st.Condition)) {
      for (const [operator, block] of Object.entries(st.Condition)) {
        if (!isObject(block)) {
          unknown = true;
          continue;
        }
        for (const [key, values] of Object.entries(block)) conditions.push({ operator, key, values: strList(values, parameters) });
      }
    }
    const effect = st.Effect === 'Deny' ? 'Deny' : st.Effect === 'Allow' ? 'Allow' : undefined;
    return {
      label: typeof st.Sid === 'string' && st.Sid !== '' ? `statement "${st.Sid}"` : `statement ${i + 1}`,
      sid: typeof st.Sid === 'string' ? st.Sid : undefined,
      effect: effect ?? 'Allow',
      principal: principalOf(st.Principal, parameters),
      notPrincipal: principalOf(st.NotPrincipal, parameters),
      actions: list(st.Action),
      notActions: list(st.NotAction),
      resources: list(st.Resource),
      notResources: list(st.NotResource),
      conditions,
      unknown: unknown || effect === undefined,
    };
  });
}
