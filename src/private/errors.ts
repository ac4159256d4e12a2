import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Thrown at synth time when a prop would produce a hole, a lock-out, or a template AWS rejects.
 *
 * The message always names the construct path, the property, the bad value and the fix.
 */
export class DsqlValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DsqlValidationError';
  }
}

/** Render a value for an error message, without dumping unresolved token internals. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    return Token.isUnresolved(value) ? '<token>' : JSON.stringify(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Fail at synth time with a message of the project's form:
 * `<path>: <prop> <problem> (got <value>). <fix>`
 */
export function fail(scope: IConstruct, prop: string, value: unknown, problem: string, fix: string): never {
  throw new DsqlValidationError(failureMessage(scope, prop, value, problem, fix));
}

/** The message `fail` throws, for checks that report through `node.addValidation` instead of throwing. */
export function failureMessage(scope: IConstruct, prop: string, value: unknown, problem: string, fix: string): string {
  return `${scope.node.path}: ${prop} ${problem} (got ${show(value)}). ${fix}`;
}
