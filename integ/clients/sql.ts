/**
 * Integ-test SQL clients for the statements the Aurora DSQL user guide leaves open (a sandbox run answers
 * them). Tokens come from @aws-sdk/dsql-signer for the host connected to; TLS with certificate verification.
 *
 * - `setup`: onEvent of a Provider-framework custom resource. Runs the resource's `Statements` (on Create) or
 *   `DeleteStatements` (on Delete) as `admin`, in order, each in its own transaction (one DDL per transaction),
 *   and fails naming the statement that failed. Updates run nothing.
 * - `query`: invoked by an assertion with `{ host, region, user, sql? }`: connects as `user` (a role mapped to
 *   this function's IAM role) and reports `{ ok, rows }` or `{ ok: false, error }` (never the token). Without
 *   `sql` it answers the ConnectCheck event as ./connect-check.ts does (`SELECT 1 AS value`, `{ ok, value }`), so
 *   the report's verdicts on the function are asserted like any client's (./verdicts.ts). An event with `sql`
 *   is a database-side check, marked `databaseCheck` (what it proves), not a connection verdict.
 */
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { Client } from 'pg';

/** A client for `user` on `host` with a fresh token, not yet connected, and the token (kept out of every message). */
async function clientFor(host: string, region: string, user: string): Promise<{ client: Client; token: string }> {
  const signer = new DsqlSigner({ hostname: host, region, expiresIn: 900 });
  const token = user === 'admin' ? await signer.getDbConnectAdminAuthToken() : await signer.getDbConnectAuthToken();
  const client = new Client({
    host,
    port: 5432,
    user,
    database: 'postgres',
    password: token,
    ssl: { rejectUnauthorized: true, servername: host },
    connectionTimeoutMillis: 15_000,
  });
  return { client, token };
}

function redacted(e: unknown, token: string): string {
  const message = e instanceof Error ? e.message : String(e);
  return token ? message.split(token).join('<token>') : message;
}

interface SetupEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { Host: string; Region: string; Statements?: string[]; DeleteStatements?: string[] };
}

export async function setup(event: SetupEvent): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const id = event.PhysicalResourceId ?? `sql-setup-${props.Host}`;
  const statements = event.RequestType === 'Create' ? props.Statements ?? [] : event.RequestType === 'Delete' ? props.DeleteStatements ?? [] : [];
  if (statements.length === 0) return { PhysicalResourceId: id };
  const { client, token } = await clientFor(props.Host, props.Region, 'admin');
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`connecting as admin: ${redacted(e, token)}`);
    }
    for (const sql of statements) {
      try {
        await client.query(sql);
        console.log(`ok: ${sql}`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new Error(`${sql}: [${code}] ${redacted(e, token)}`);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return { PhysicalResourceId: id };
}

interface QueryEvent {
  readonly host: string;
  readonly region: string;
  readonly user: string;
  /** The statement to run; absent: the ConnectCheck probe. */
  readonly sql?: string;
  /** What a database-side check proves (ignored here: it marks the assertion for the drift test). */
  readonly databaseCheck?: string;
}

export async function query(event: QueryEvent): Promise<{ ok: boolean; rows?: number; value?: number; error?: string }> {
  let token = '';
  let client: Client | undefined;
  try {
    ({ client, token } = await clientFor(event.host, event.region, event.user));
    await client.connect();
    if (event.sql === undefined) {
      const probe = await client.query('SELECT 1 AS value');
      return { ok: true, value: Number(probe.rows[0].value) };
    }
    const result = await client.query(event.sql);
    return { ok: true, rows: result.rows.length };
  } catch (e) {
    return { ok: false, error: redacted(e, token) };
  } finally {
    await client?.end().catch(() => undefined);
  }
}
