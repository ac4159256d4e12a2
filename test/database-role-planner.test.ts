import { ARN_A, ARN_B, resourceProperties as props } from './support/database-role-props';
import { backoffDelay, DEFAULT_RETRY, DSQL_DIALECT, executePlan, isConflict, redact, StatementFailedError } from '../src/handlers/database-role/executor';
import { ObservedState, planApply, planDelete, PlannedStatement } from '../src/handlers/database-role/planner';
import { DesiredRole, parseProperties, physicalId } from '../src/handlers/database-role/properties';

const ARN_OLD = 'arn:aws:iam::123456789012:user/old';


function desired(overrides: Record<string, unknown> = {}): DesiredRole {
  return parseProperties(props(overrides));
}

const absent: ObservedState = { roleExists: false, roleCanLogin: false, mappedArns: [], existingSchemas: ['orders'] };

function sqls(plan: readonly PlannedStatement[]): string[] {
  return plan.map((s) => s.sql);
}

describe('parseProperties', () => {
  test('parses what the construct writes, with privileges in canonical order', () => {
    const d = desired({ SchemaPrivileges: [{ Schema: 'orders', Privileges: ['CREATE', 'USAGE'], TablePrivileges: ['DELETE', 'SELECT'] }] });
    expect(d).toEqual({
      endpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws',
      region: 'us-east-1',
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz',
      roleName: 'app_rw',
      principalArns: [ARN_A],
      grants: [{ schema: 'orders', schemaPrivileges: ['USAGE', 'CREATE'], tablePrivileges: ['SELECT', 'DELETE'] }],
      retain: false,
      adoptExisting: false,
    });
    expect(desired({ AdoptExisting: 'true' }).adoptExisting).toBe(true);
    expect(physicalId(d)).toBe('abcdefghijklmnopqrstuvwxyz/app_rw');
  });

  test.each<[Record<string, unknown>, RegExp]>([
    [{ RoleName: 'x"; DROP ROLE admin; --' }, /roleName .* contains a space/],
    [{ RoleName: 'x";DROP/**/ROLE/**/admin;--' }, /roleName .* must start with/],
    [{ RoleName: 'admin' }, /admin role cannot be managed/],
    [{ PrincipalArns: ["arn:aws:iam::123456789012:role/x';DROP/**/ROLE/**/admin;--"] }, /principal ARN .* is not the ARN/],
    [{ PrincipalArns: [ARN_A, ARN_A] }, /twice/],
    [{ PrincipalArns: 'arn:aws:iam::123456789012:role/x' }, /must be a list/],
    [{ SchemaPrivileges: [{ Schema: 'pg_catalog', Privileges: ['USAGE'], TablePrivileges: [] }] }, /system schema/],
    [{ SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['TRUNCATE'] }] }, /allowed: SELECT, INSERT, UPDATE, DELETE/],
    [{ SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE; DROP ROLE admin'], TablePrivileges: [] }] }, /allowed: USAGE, CREATE/],
    [{ SchemaPrivileges: [{ Schema: 'orders', Privileges: [], TablePrivileges: [] }] }, /must include USAGE/],
    [{ Endpoint: 'evil.example.com:5432/x' }, /not a host name/],
    [{ Region: 'us-east-1; x' }, /not an AWS Region/],
    [{ RemovalPolicy: 'snapshot' }, /retain" or "destroy/],
    [{ AdoptExisting: 'yes' }, /AdoptExisting must be "true" or "false"/],
    [{ SchemaPrivileges: [{ Schema: 'secure_dsql', Privileges: ['USAGE'], TablePrivileges: ['UPDATE'] }] }, /names schema secure_dsql, where the handler records the roles it manages/],
  ])('refuses %j', (overrides, message) => {
    expect(() => parseProperties(props(overrides))).toThrow(message);
  });
});

describe('planApply', () => {
  test('create on an empty cluster: role, privileges, then the IAM mapping last', () => {
    const plan = planApply(desired({ PrincipalArns: [ARN_A, ARN_B] }), absent);
    expect(plan.map((s) => [s.purpose, s.sql, s.dsqlOnly])).toEqual([
      ['create role', 'CREATE ROLE "app_rw" WITH LOGIN', false],
      ['grant schema privileges', 'GRANT USAGE ON SCHEMA "orders" TO "app_rw"', false],
      ['grant table privileges', 'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" TO "app_rw"', false],
      ['map IAM principal', `AWS IAM GRANT "app_rw" TO '${ARN_A}'`, true],
      ['map IAM principal', `AWS IAM GRANT "app_rw" TO '${ARN_B}'`, true],
    ]);
  });

  test('re-run on a cluster that already matches: no CREATE ROLE, no AWS IAM GRANT, only idempotent GRANTs', () => {
    const plan = planApply(desired(), { roleExists: true, roleCanLogin: true, mappedArns: [ARN_A], existingSchemas: ['orders'] });
    expect(sqls(plan)).toEqual([
      'GRANT USAGE ON SCHEMA "orders" TO "app_rw"',
      'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" TO "app_rw"',
    ]);
  });

  test('an existing role without LOGIN gets it', () => {
    const plan = planApply(desired({ SchemaPrivileges: [] }), { roleExists: true, roleCanLogin: false, mappedArns: [ARN_A], existingSchemas: [] });
    expect(sqls(plan)).toEqual(['ALTER ROLE "app_rw" WITH LOGIN']);
  });

  test('mappings not declared are revoked first, declared ones that are missing are granted last', () => {
    const plan = planApply(desired({ PrincipalArns: [ARN_A, ARN_B], SchemaPrivileges: [] }),
      { roleExists: true, roleCanLogin: true, mappedArns: [ARN_A, ARN_OLD], existingSchemas: [] });
    expect(sqls(plan)).toEqual([
      `AWS IAM REVOKE "app_rw" FROM '${ARN_OLD}'`,
      `AWS IAM GRANT "app_rw" TO '${ARN_B}'`,
    ]);
  });

  test('update: privileges removed since the previous deployment are revoked, tables before the schema', () => {
    const previous = desired({
      SchemaPrivileges: [
        { Schema: 'orders', Privileges: ['USAGE', 'CREATE'], TablePrivileges: ['SELECT', 'INSERT', 'DELETE'] },
        { Schema: 'billing', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] },
        { Schema: 'gone', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] },
      ],
    });
    const now = desired({ SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE'], TablePrivileges: ['SELECT', 'UPDATE'] }] });
    const plan = planApply(now, { roleExists: true, roleCanLogin: true, mappedArns: [ARN_A], existingSchemas: ['billing', 'orders'] }, previous);
    expect(sqls(plan)).toEqual([
      'REVOKE INSERT, DELETE ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"',
      'REVOKE CREATE ON SCHEMA "orders" FROM "app_rw"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "billing" FROM "app_rw"',
      'REVOKE USAGE ON SCHEMA "billing" FROM "app_rw"',
      // "gone" no longer exists: nothing to revoke there (and REVOKE would fail).
      'GRANT USAGE ON SCHEMA "orders" TO "app_rw"',
      'GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA "orders" TO "app_rw"',
    ]);
  });

  test('a role that vanished since the previous deployment is recreated without revokes', () => {
    const plan = planApply(desired(), absent, desired({ SchemaPrivileges: [{ Schema: 'orders', Privileges: ['USAGE', 'CREATE'], TablePrivileges: ['DELETE'] }] }));
    expect(plan[0].sql).toBe('CREATE ROLE "app_rw" WITH LOGIN');
    expect(sqls(plan).some((s) => s.startsWith('REVOKE'))).toBe(false);
  });
});

describe('objects owned by other roles', () => {
  const shop = desired({ SchemaPrivileges: [{ Schema: 'shop', Privileges: ['USAGE'], TablePrivileges: ['SELECT'] }] });
  const observed: ObservedState = {
    roleExists: false,
    roleCanLogin: false,
    mappedArns: [],
    existingSchemas: ['shop'],
    foreignOwners: [{ schema: 'shop', owners: ['shop_owner', 'table_owner'] }, { schema: 'other', owners: ['unrelated'] }],
  };

  test('admin takes each owner role of a touched schema before anything else, and gives it up last', () => {
    const plan = planApply(shop, observed);
    expect(sqls(plan)).toEqual([
      'GRANT "shop_owner" TO "admin"',
      'GRANT "table_owner" TO "admin"',
      'CREATE ROLE "app_rw" WITH LOGIN',
      'GRANT USAGE ON SCHEMA "shop" TO "app_rw"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "shop" TO "app_rw"',
      `AWS IAM GRANT "app_rw" TO '${ARN_A}'`,
      'REVOKE "shop_owner" FROM "admin"',
      'REVOKE "table_owner" FROM "admin"',
    ]);
    expect(plan.filter((s) => s.owner).map((s) => [s.purpose, s.owner])).toEqual([
      ['take owner role', 'shop_owner'], ['take owner role', 'table_owner'],
      ['give up owner role', 'shop_owner'], ['give up owner role', 'table_owner'],
    ]);
  });

  test('delete revokes as the owner too; no owner role when no grant or revoke touches its schema (control)', () => {
    const present = { ...observed, roleExists: true, mappedArns: [] };
    expect(sqls(planDelete(shop, present))[0]).toBe('GRANT "shop_owner" TO "admin"');
    expect(sqls(planApply(desired(), { ...observed, existingSchemas: ['orders'] })).join('\n')).not.toMatch(/TO "admin"/);
  });

  test('a failed statement gives up the owner roles taken so far, and only those', async () => {
    const ran: string[] = [];
    const plan = planApply(shop, observed);
    await expect(executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async (_db, s) => {
        if (s.purpose === 'grant table privileges') throw Object.assign(new Error('boom'), { code: '42501' });
        ran.push(s.sql);
      },
    }, plan)).rejects.toThrow(/grant table privileges/);
    expect(ran.slice(-2)).toEqual(['REVOKE "shop_owner" FROM "admin"', 'REVOKE "table_owner" FROM "admin"']);
    ran.length = 0;
    await expect(executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async (_db, s) => {
        if (s.sql === 'GRANT "table_owner" TO "admin"') throw Object.assign(new Error('permission denied to grant role'), { code: '42501' });
        ran.push(s.sql);
      },
    }, plan)).rejects.toThrow(/\(take owner role\) failed: GRANT "table_owner" TO "admin".*admin must grant itself role table_owner/);
    expect(ran).toEqual(['GRANT "shop_owner" TO "admin"', 'REVOKE "shop_owner" FROM "admin"']);
  });

  test('a warning that the statement changed nothing fails it; other notices do not', async () => {
    const run = (code: string) => executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async () => [{ code, message: 'no privileges were granted for "t"' }],
    }, [{ sql: 'GRANT SELECT ON ALL TABLES IN SCHEMA "s" TO "a"', purpose: 'grant table privileges', dsqlOnly: false }]);
    await expect(run('01007')).rejects.toThrow(/\[01007\] no privileges were granted for "t"\. The statement changed nothing/);
    await expect(run('01006')).rejects.toThrow(StatementFailedError);
    await expect(run('00000')).resolves.toBeUndefined();
  });
});

describe('planDelete', () => {
  const present: ObservedState = { roleExists: true, roleCanLogin: true, mappedArns: [ARN_A, ARN_OLD], existingSchemas: ['orders'] };

  test('unmaps every principal, revokes the declared privileges, then drops the role', () => {
    expect(planDelete(desired(), present).map((s) => [s.sql, s.dsqlOnly])).toEqual([
      [`AWS IAM REVOKE "app_rw" FROM '${ARN_A}'`, true],
      [`AWS IAM REVOKE "app_rw" FROM '${ARN_OLD}'`, true],
      ['REVOKE SELECT, INSERT ON ALL TABLES IN SCHEMA "orders" FROM "app_rw"', false],
      ['REVOKE USAGE ON SCHEMA "orders" FROM "app_rw"', false],
      ['DROP ROLE "app_rw"', false],
    ]);
  });
  test('nothing when the role is retained', () => {
    expect(planDelete(desired({ RemovalPolicy: 'retain' }), present)).toEqual([]);
  });
  test('nothing when the role does not exist', () => {
    expect(planDelete(desired(), absent)).toEqual([]);
  });
  test('skips revokes on schemas that were dropped', () => {
    expect(sqls(planDelete(desired({ PrincipalArns: [] }), { ...present, mappedArns: [], existingSchemas: [] }))).toEqual(['DROP ROLE "app_rw"']);
  });
});

describe('executePlan (without a database)', () => {
  const plan: PlannedStatement[] = [
    { sql: 'CREATE ROLE "a" WITH LOGIN', purpose: 'create role', dsqlOnly: false },
    { sql: 'GRANT USAGE ON SCHEMA "s" TO "a"', purpose: 'grant schema privileges', dsqlOnly: false },
  ];
  function conflict(code: string, kind = ''): Error {
    return Object.assign(new Error(`conflict ${kind}`), { code });
  }

  test.each(['(OC001)', '(OC000)', 'no kind'])('40001 %s is retried with growing delays, then succeeds', async (kind) => {
    const code = '40001';
    const ran: string[] = [];
    let failures = 3;
    const delays: number[] = [];
    await executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async (_db, s) => {
        if (s.purpose === 'grant schema privileges' && failures-- > 0) throw conflict(code, kind);
        ran.push(s.sql);
      },
    }, plan, { retry: { sleep: async (ms) => { delays.push(ms); }, random: () => 0.999 } });
    expect(ran).toEqual(plan.map((s) => s.sql));
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeLessThan(delays[1]);
    expect(delays[1]).toBeLessThan(delays[2]);
  });

  test('retries are bounded: after maxAttempts the statement fails, naming the statement and the code', async () => {
    let attempts = 0;
    const promise = executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async (_db, s) => {
        if (s.purpose === 'grant schema privileges') {
          attempts++;
          throw conflict('40001', '(OC001)');
        }
      },
    }, plan, { retry: { maxAttempts: 4, sleep: async () => undefined } });
    await expect(promise).rejects.toThrow(StatementFailedError);
    await expect(promise).rejects.toThrow(/statement 2 of 2 \(grant schema privileges\) failed after 4 attempts: GRANT USAGE ON SCHEMA "s" TO "a": \[40001\] conflict \(OC001\)/);
    expect(attempts).toBe(4);
  });

  test('PostgreSQL\'s concurrent catalog update is a conflict; other internal errors are not', () => {
    expect(isConflict(Object.assign(new Error('tuple concurrently updated'), { code: 'XX000' }))).toBe(true);
    expect(isConflict(Object.assign(new Error('could not open file'), { code: 'XX000' }))).toBe(false);
    // OC000/OC001 come in the message of a 40001 ("Concurrency control in Aurora DSQL"), never as the SQLSTATE.
    expect(isConflict(Object.assign(new Error('x'), { code: 'OC001' }))).toBe(false);
    expect(isConflict(Object.assign(new Error('(OC001)'), { code: '40001' }))).toBe(true);
    expect(isConflict(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isConflict(new Error('no code'))).toBe(false);
  });

  test('other errors are not retried', async () => {
    let attempts = 0;
    await expect(executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async () => {
        attempts++;
        throw Object.assign(new Error('permission denied'), { code: '42501' });
      },
    }, plan, { retry: { sleep: async () => undefined } })).rejects.toThrow(/statement 1 of 2 \(create role\) failed: .*\[42501\] permission denied/);
    expect(attempts).toBe(1);
  });

  test('the token never appears in an error message', async () => {
    const token = 'abc.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&X-Amz-Credential=AKIA%2F&X-Amz-Signature=0123456789abcdef';
    const error = executePlan({ query: async () => ({ rows: [] }) }, {
      readMappings: async () => [],
      execute: async () => {
        throw new Error(`password authentication failed for ${token}`);
      },
    }, plan, { secrets: [token] });
    await expect(error).rejects.toThrow(/<redacted>/);
    await expect(error).rejects.not.toThrow(/0123456789abcdef/);
    expect(redact('x X-Amz-Signature=deadbeef&y', [])).toBe('x X-Amz-Signature=<redacted>&y');
  });

  test('backoff is exponential and capped', () => {
    const opts = { ...DEFAULT_RETRY, random: () => 0.999999 };
    expect(backoffDelay(1, opts)).toBe(99);
    expect(backoffDelay(2, opts)).toBe(199);
    expect(backoffDelay(20, opts)).toBe(4999);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(200);
  });
});

describe('the Aurora DSQL dialect', () => {
  test('reads the mappings of one role from sys.iam_pg_role_mappings, with the name as a parameter', async () => {
    const calls: Array<[string, unknown[] | undefined]> = [];
    const db = {
      query: async (sql: string, params?: unknown[]) => {
        calls.push([sql, params]);
        return { rows: [{ arn: ARN_B }, { arn: ARN_A }] };
      },
    };
    expect(await DSQL_DIALECT.readMappings(db, 'app_rw')).toEqual([ARN_A, ARN_B]);
    await DSQL_DIALECT.execute(db, { sql: `AWS IAM GRANT "app_rw" TO '${ARN_A}'`, purpose: 'map IAM principal', dsqlOnly: true });
    expect(calls).toEqual([
      ['SELECT arn FROM sys.iam_pg_role_mappings WHERE pg_role_name = $1', ['app_rw']],
      [`AWS IAM GRANT "app_rw" TO '${ARN_A}'`, undefined],
    ]);
  });
});
