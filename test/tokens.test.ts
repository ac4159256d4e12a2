import { Lazy, Stack, Token } from 'aws-cdk-lib';
import { TOKEN_MARKER, isListTokenString, isUnresolvedString } from '../src/private/tokens';

describe('the token marker test (src/private/tokens.ts)', () => {
  const stack = new Stack();
  const stringToken = Lazy.string({ produce: () => 'x' });
  const [listToken] = Lazy.list({ produce: () => ['a', 'b'] });
  const reference = stack.stackId;

  test('every token aws-cdk-lib encodes in a string carries the marker', () => {
    for (const s of [stringToken, listToken, reference, `arn:${reference}:x`, Token.asString({ resolve: () => 'y' })]) {
      expect(s).toContain(TOKEN_MARKER);
    }
  });

  test.each([
    ['a literal', 'arn:aws:iam::123456789012:role/app'],
    ['an empty string', ''],
    ['text that looks like a marker but is not a token', 'Token[not one]'],
    ['a string token', stringToken],
    ['a string with a reference inside', `arn:${reference}:x`],
    ['a list token', listToken],
  ])('decides as Token.isUnresolved does for %s', (_name, s) => {
    expect(isUnresolvedString(s)).toBe(Token.isUnresolved(s));
    expect(isListTokenString(s)).toBe(Token.isUnresolved([s]));
  });

  test('tells the two kinds apart', () => {
    expect(isUnresolvedString(stringToken)).toBe(true);
    expect(isListTokenString(stringToken)).toBe(false);
    expect(isListTokenString(listToken)).toBe(true);
  });
});
