/**
 * Reading resolved CloudFormation values: references between resources, and strings built with `Fn::Join`.
 * Pure functions over JSON; no CDK.
 */
import { ResourceView, TemplateView } from './rule';

/** The resource a `Ref` or `Fn::GetAtt` points at (pseudo parameters such as `AWS::Region` are not resources). */
export interface Reference {
  readonly logicalId: string;
  /** The attribute of a `Fn::GetAtt`; undefined for a `Ref`. */
  readonly attribute?: string;
}

export function referenceOf(value: unknown): Reference | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'Ref' && typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) {
    return { logicalId: value.Ref };
  }
  if (keys[0] === 'Fn::GetAtt') {
    const arg = value['Fn::GetAtt'];
    if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') {
      return { logicalId: arg[0], attribute: arg[1] };
    }
    if (typeof arg === 'string' && arg.includes('.')) {
      const [logicalId, ...rest] = arg.split('.');
      return { logicalId, attribute: rest.join('.') };
    }
  }
  return undefined;
}

/** The resource a value references, when it is in the template. */
export function referencedResource(value: unknown, template: TemplateView): ResourceView | undefined {
  const ref = referenceOf(value);
  return ref ? template.resources.get(ref.logicalId) : undefined;
}

/**
 * A value as a string, with references written as placeholders the way cdk-nag does: `<AWS::Region>` for a
 * pseudo parameter, `<Logical>` for a `Ref`, `<Logical.Attribute>` for a `Fn::GetAtt`. `Fn::Join` and
 * `Fn::Sub` without variables map are flattened. Undefined for anything else (`Fn::If`, `Fn::ImportValue`…).
 *
 * Placeholders contain no `*`, `?` or `${`, so they never pass for wildcards or policy variables.
 */
export function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0];
  const arg = value[key];
  if (key === 'Ref' && typeof arg === 'string') return `<${arg}>`;
  if (key === 'Fn::GetAtt') {
    const ref = referenceOf(value);
    return ref ? `<${ref.logicalId}.${ref.attribute}>` : undefined;
  }
  if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const parts = arg[1].map(flatten);
    return parts.every((p): p is string => p !== undefined) ? parts.join(arg[0]) : undefined;
  }
  if (key === 'Fn::Sub' && typeof arg === 'string') {
    return arg.replace(/\$\{([^!}][^}]*)\}/g, (_m, name: string) => `<${name}>`);
  }
  return undefined;
}

/** A list property: a single value becomes a list of one, absent becomes empty. */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The other resources of the template of a type. */
export function resourcesOfType(template: TemplateView, type: string): ResourceView[] {
  if (template.ofType) return template.ofType(type);
  return [...template.resources.values()].filter((r) => r.type === type);
}
