import * as fc from 'fast-check';
import {
  assertPrincipalArn, assertRoleName, assertSchemaName, InvalidSqlNameError,
  principalArnProblem, quoteIdentifier, quoteLiteral, roleNameProblem, schemaNameProblem,
} from '../src/private/sql-identifiers';

describe('role names', () => {
  test.each([
    'app_reader', 'a', '_x', 'orders_v2', 'a'.repeat(63),
  ])('%s is accepted', (name) => {
    expect(roleNameProblem(name)).toBeUndefined();
    expect(assertRoleName(name)).toBe(name);
  });

  test.each<[string, RegExp]>([
    ['', /empty/],
    ['x"; DROP ROLE admin; --', /space or control character \(U\+0020 at position 3\)/],
    ['x";DROP/**/ROLE/**/admin;--', /lower-case letters/],
    ["x';DROP/**/ROLE/**/admin;--", /lower-case letters/],
    ['app reader', /space or control character/],
    ['App_Reader', /lower-case letters/],
    ['1app', /lower-case letters/],
    ['app-reader', /lower-case letters/],
    ['app"reader', /lower-case letters/],
    ['\u0430dmin', /non-ASCII character \(U\+0430 at position 0\); look-alike/], // Cyrillic а: looks like "admin"
    ['adm\u0456n', /U\+0456 at position 3/], // Cyrillic і
    ['app\u200breader', /U\+200B/], // zero-width space
    ['app\u0000', /U\+0000/],
    ['a'.repeat(64), /64 bytes long; PostgreSQL truncates identifiers to 63 bytes/],
    ['admin', /admin role cannot be managed/],
    ['postgres', /reserved role name/],
    ['public', /reserved role name/],
    ['none', /reserved role name/],
    ['current_user', /reserved role name/],
    ['session_user', /reserved role name/],
    ['pg_read_all_data', /starts with "pg_"/],
    ['pg_signal_backend', /starts with "pg_"/],
    ['aws_iam_role', /starts with "aws_"/],
    ['select', /reserved key word/],
    ['grant', /reserved key word/],
  ])('%j is refused (%s)', (name, message) => {
    expect(roleNameProblem(name)).toMatch(message);
    expect(() => assertRoleName(name)).toThrow(InvalidSqlNameError);
  });

  test('every accepted name is plain lower-case ASCII of at most 63 bytes, so quoting never changes it', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
      if (roleNameProblem(name) === undefined) {
        expect(name).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
        expect(quoteIdentifier(name)).toBe(`"${name}"`);
      }
    }), { numRuns: 2000 });
  });
});

describe('schema names', () => {
  test.each(['public', 'orders', 'app_v2'])('%s is accepted', (name) => {
    expect(schemaNameProblem(name)).toBeUndefined();
    expect(assertSchemaName(name)).toBe(name);
  });
  test.each(['pg_catalog', 'information_schema', 'sys', 'pg_toast', 'Orders', 'a;b', 'table', '\u043erders'])('%j is refused', (name) => {
    expect(schemaNameProblem(name)).toBeDefined();
    expect(() => assertSchemaName(name)).toThrow(InvalidSqlNameError);
  });
});

describe('principal ARNs', () => {
  test.each([
    'arn:aws:iam::123456789012:role/app',
    'arn:aws:iam::123456789012:role/service-role/app+x=y,z.w@q-1',
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws-us-gov:iam::123456789012:role/app',
    'arn:aws-cn:iam::123456789012:role/path/to/app',
  ])('%s is accepted', (arn) => {
    expect(principalArnProblem(arn)).toBeUndefined();
    expect(assertPrincipalArn(arn)).toBe(arn);
  });

  test.each<[string, RegExp]>([
    ["arn:aws:iam::123456789012:role/app'; DROP ROLE admin; --", /space or control character/],
    ["arn:aws:iam::123456789012:role/app';DROP/**/ROLE/**/admin;--", /not the ARN of an IAM role or user/],
    ["arn:aws:iam::123456789012:role/a'b", /not the ARN/],
    ['arn:aws:iam::123456789012:role/a"b', /not the ARN/],
    ['arn:aws:iam::123456789012:role/a\\b', /not the ARN/],
    ['arn:aws:iam::123456789012:role/a b', /U\+0020/],
    ['arn:aws:iam::123456789012:role/\u0430pp', /U\+0430/],
    ['arn:aws:iam::123456789012:role/*', /not the ARN/],
    ['arn:aws:iam::123456789012:role/app*', /not the ARN/],
    ['arn:aws:iam::123456789012:root', /not the ARN/],
    ['arn:aws:iam::123456789012:group/devs', /not the ARN/],
    ['arn:aws:sts::123456789012:assumed-role/app/session', /assumed-role session ARN/],
    ['arn:aws:iam::12345678901:role/app', /not the ARN/],
    ['arn:aws:iam:us-east-1:123456789012:role/app', /not the ARN/],
    ['role/app', /not the ARN/],
    ['', /empty/],
    [`arn:aws:iam::123456789012:role/${'a'.repeat(65)}`, /not the ARN/],
  ])('%j is refused (%s)', (arn, message) => {
    expect(principalArnProblem(arn)).toMatch(message);
    expect(() => assertPrincipalArn(arn)).toThrow(InvalidSqlNameError);
  });

  test('an accepted ARN contains no character that could end a SQL literal', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (tail) => {
      const arn = `arn:aws:iam::123456789012:role/${tail}`;
      if (principalArnProblem(arn) === undefined) {
        expect(arn).not.toMatch(/['"\\\s;]/);
        expect(quoteLiteral(arn)).toBe(`'${arn}'`);
      }
    }), { numRuns: 2000 });
  });
});

describe('quoting', () => {
  test('identifiers: embedded double quotes are doubled, so the value stays one identifier', () => {
    expect(quoteIdentifier('x"; DROP ROLE admin; --')).toBe('"x""; DROP ROLE admin; --"');
    expect(() => quoteIdentifier('a\0b')).toThrow(/NUL/);
  });
  test('literals: embedded single quotes are doubled; backslash and NUL are refused', () => {
    expect(quoteLiteral("a'b")).toBe("'a''b'");
    expect(() => quoteLiteral('a\\b')).toThrow(/backslash/);
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });
});
