/**
 * Integ-test SQL clients for the statements the Aurora DSQL user guide leaves open (a sandbox run answers
 * them). Tokens come from @aws-sdk/dsql-signer for the host connected to; TLS with certificate verification.
 *
 * - `setup`: onEvent of a Provider-framework custom resource. Runs the resource's `Statements` (on Create) or
 *   `DeleteStatements` (on Delete) as `admin`, in order, each in its own transaction (one DDL per transaction),
 *   and fails naming the statement that failed. Updates run nothing.
 * - `query`: invoked by an assertion with `{ host, region, user, sql }`: connects as `user` (a role mapped to
 *   this function's IAM role) and reports `{ ok, rows }` or `{ ok: false, error }` (never the token).
 */
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { Client } from 'pg';

async function connect(host: string, region: string, user: string): Promise<{ client: Client; token: string }> {
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
  await client.connect();
  return { client, token };
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
  const { client, token } = await connect(props.Host, props.Region, 'admin');
  try {
    for (const sql of statements) {
      try {
        await client.query(sql);
        console.log(`ok: ${sql}`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const code = (e as { code?: string }).code;
        throw new Error(`${sql}: [${code}] ${message.split(token).join('<token>')}`);
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
  readonly sql: string;
}

export async function query(event: QueryEvent): Promise<{ ok: boolean; rows?: number; error?: string }> {
  let token = '';
  let client: Client | undefined;
  try {
    ({ client, token } = await connect(event.host, event.region, event.user));
    const result = await client.query(event.sql);
    return { ok: true, rows: result.rows.length };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: token ? message.split(token).join('<token>') : message };
  } finally {
    await client?.end().catch(() => undefined);
  }
}
