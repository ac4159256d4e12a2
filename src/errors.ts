import { hasValidationCode, isValidationError, VALIDATION_ERROR_CODE } from './private/errors';

/**
 * Recognise the refusals of this library, from every jsii language.
 *
 * Every synth-time refusal of secure-dsql has a message that names the construct path, the property, the bad
 * value and the fix, and ends with the stable code `[SECURE_DSQL_VALIDATION_ERROR]`
 * (`<path>: <prop> <problem> (got <value>). <fix> [SECURE_DSQL_VALIDATION_ERROR]`). The code is the one way
 * that works everywhere: the message reaches Python (`RuntimeError`), Java (`JsiiError`), .NET
 * (`JsiiException`) and Go (the panic value) unchanged, and it survives when aws-cdk-lib collects a refusal into
 * its own `ValidationError` (for example a rule that an endpoint's security group refuses at synth).
 *
 * - In any language: `DsqlErrors.isValidationErrorMessage(<the error's message>)`, or test the message for
 *   `DsqlErrors.VALIDATION_ERROR_CODE`.
 * - In TypeScript and JavaScript, `DsqlErrors.isValidationError(error)` accepts the error object itself. Other
 *   languages cannot pass their exception objects to the library: use the message.
 *
 * @example
 * declare const caught: Error; // an error caught around `app.synth()` or a construct's creation
 * if (DsqlErrors.isValidationErrorMessage(caught.message)) {
 *   // bad input: the message names the construct path, the property, the value and the fix
 * }
 */
export class DsqlErrors {
  /**
   * The stable code at the end of every refusal message of secure-dsql: `SECURE_DSQL_VALIDATION_ERROR`,
   * written in the message as `[SECURE_DSQL_VALIDATION_ERROR]`.
   */
  public static readonly VALIDATION_ERROR_CODE: string = VALIDATION_ERROR_CODE;

  /**
   * Whether an error message is (or contains, when aws-cdk-lib joined several) a refusal of secure-dsql.
   * Works from every jsii language: pass the caught exception's message.
   *
   * @param message the message of a caught error
   */
  public static isValidationErrorMessage(message: string): boolean {
    return hasValidationCode(message);
  }

  /**
   * TypeScript and JavaScript only: whether `x` is an error that carries a secure-dsql refusal, thrown by the
   * library itself or collected by aws-cdk-lib from the library's validations. From Python, Java, .NET and Go
   * use `isValidationErrorMessage` with the exception's message (their exception objects cannot be passed).
   *
   * @param x a caught error
   */
  public static isValidationError(x: any): boolean {
    return isValidationError(x);
  }

  private constructor() {}
}
