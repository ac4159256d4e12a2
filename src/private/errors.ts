import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The brand every validation error of this library carries. `Symbol.for` makes it the same symbol in every
 * copy of the library loaded in one process (two versions side by side, or the jsii kernel's copy), so
 * `DsqlErrors.isValidationError` recognises errors thrown by any of them.
 */
export const VALIDATION_ERROR_SYMBOL = Symbol.for('secure-dsql.DsqlValidationError');

/**
 * The stable code every refusal message of this library ends with (`… [SECURE_DSQL_VALIDATION_ERROR]`).
 *
 * The message is what reaches a caller in every jsii language (Python's `RuntimeError`, Java's `JsiiError`,
 * .NET's `JsiiException`, Go's panic value), and what survives when aws-cdk-lib collects a refusal returned
 * from `node.addValidation` into its own `ValidationError`. Public as `DsqlErrors.VALIDATION_ERROR_CODE`.
 */
export const VALIDATION_ERROR_CODE = 'SECURE_DSQL_VALIDATION_ERROR';

const CODE_SUFFIX = ` [${VALIDATION_ERROR_CODE}]`;

/** `message` with the library's refusal code at its end (once). */
export function withValidationCode(message: string): string {
  return message.endsWith(CODE_SUFFIX) ? message : `${message}${CODE_SUFFIX}`;
}

/** Whether a message carries the library's refusal code (anywhere: aws-cdk-lib may wrap several messages). */
export function hasValidationCode(message: string): boolean {
  return typeof message === 'string' && message.includes(`[${VALIDATION_ERROR_CODE}]`);
}

/**
 * Thrown at synth time when a prop would produce a hole, a lock-out, or a template AWS rejects.
 *
 * The message always names the construct path, the property, the bad value and the fix. Internal: callers
 * recognise it with the exported `DsqlErrors.isValidationError(error)`, which works from every jsii language.
 */
export class DsqlValidationError extends Error {
  /** Every problem this error reports, each a message of the one formatter (one, unless several were collected). */
  public readonly problems: string[];

  constructor(message: string, problems: string[] = [message]) {
    super(withValidationCode(message));
    this.problems = problems;
    this.name = 'DsqlValidationError';
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true, enumerable: false });
  }
}

/**
 * Whether `x` is a refusal of this library: an error with its brand (any copy of the library), or an error
 * whose message carries its code (a refusal that aws-cdk-lib collected from `node.addValidation` into its own
 * error class).
 */
export function isValidationError(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return false;
  if ((x as Record<symbol, unknown>)[VALIDATION_ERROR_SYMBOL] === true) return true;
  return hasValidationCode((x as { message?: unknown }).message as string);
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
  return withValidationCode(formatFailure(scope.node.path, prop, value, problem, fix));
}

/** The one formatter of every message: `<path>: <prop> <problem> (got <value>). <fix>`. */
export function formatFailure(path: string, prop: string, value: unknown, problem: string, fix: string): string {
  return `${path}: ${prop} ${problem} (got ${show(value)}). ${fix}`;
}

/**
 * The one message of several problems of one construct: the single message itself, or a header and one line
 * per problem (each already of the formatter's form), as aws-cdk-lib's `validateAllProps` reports them.
 */
export function combinedMessage(path: string, problems: readonly string[]): string {
  if (problems.length === 1) return problems[0];
  return `${path}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * Run every check of a construct's props and report all their problems at once: each check may `fail`; the
 * failures are collected (an error of another kind is rethrown as is) and thrown as one validation error that
 * lists them all. Checks that depend on an earlier one belong in the same check function.
 */
export function validateAll(scope: IConstruct, checks: ReadonlyArray<() => void>): void {
  const problems: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (e) {
      if (!(e instanceof DsqlValidationError)) throw e;
      problems.push(...e.problems);
    }
  }
  throwProblems(scope, problems);
}

/** Throw the collected `problems` of `scope` as one validation error, when there are any. */
export function throwProblems(scope: IConstruct, problems: readonly string[]): void {
  if (problems.length > 0) throw new DsqlValidationError(combinedMessage(scope.node.path, problems), [...problems]);
}
