import { Token } from 'aws-cdk-lib';

/**
 * What every token aws-cdk-lib encodes in a string has in common: a string token is `${Token[…]}`, a list token
 * `#{Token[…]}` (aws-cdk-lib's `core/lib/private/encoding`). A string without it holds no token, which
 * `includes` tells for much less than `Token.isUnresolved` (a regular expression built per call); the checks that
 * read many strings (the quota bound, the access model's reader) test this first. test/tokens.test.ts fails if
 * aws-cdk-lib changes its markers.
 */
export const TOKEN_MARKER = 'Token[';

/** `Token.isUnresolved(s)` for a string, decided without a regular expression when `s` holds no token marker. */
export function isUnresolvedString(s: string): boolean {
  return s.includes(TOKEN_MARKER) && Token.isUnresolved(s);
}

/** Whether `s` is an encoded list token (`Token.isUnresolved([s])`), decided the same cheap way first. */
export function isListTokenString(s: string): boolean {
  return s.includes(TOKEN_MARKER) && Token.isUnresolved([s]);
}
