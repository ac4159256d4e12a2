import { isValidationError } from './private/errors';

/**
 * Recognise the errors this library throws.
 *
 * Every synth-time refusal of secure-dsql is a validation error whose message names the construct path,
 * the property, the bad value and the fix (`<path>: <prop> <problem> (got <value>). <fix>`). Its class is
 * internal; test for it with `DsqlErrors.isValidationError(error)`, which works from every jsii language
 * and across several copies of the library in one process.
 *
 * @example
 * declare const caught: any; // an error caught around `app.synth()` or a construct's creation
 * if (DsqlErrors.isValidationError(caught)) {
 *   // bad input: the message names the construct path, the property, the value and the fix
 * }
 */
export class DsqlErrors {
  /**
   * Whether `x` is a validation error thrown by secure-dsql at synth time (bad input, a hole, a lock-out,
   * or a template AWS would reject).
   *
   * @param x any value, typically a caught error
   */
  public static isValidationError(x: any): boolean {
    return isValidationError(x);
  }

  private constructor() {}
}
