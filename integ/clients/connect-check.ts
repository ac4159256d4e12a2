/**
 * Integ-test client: makes a token with @aws-sdk/dsql-signer for the host it connects to, opens a TLS
 * connection with certificate verification, runs `SELECT 1` and reports the outcome (never the token).
 *
 * Event: { host, region, user } where user is `admin` (token for dsql:DbConnectAdmin) or a database role
 * mapped to this function's IAM role (token for dsql:DbConnect).
 */
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { Client } from 'pg';

interface CheckEvent {
  readonly host: string;
  readonly region: string;
  readonly user: string;
}

export async function handler(event: CheckEvent): Promise<{ ok: boolean; value?: number; error?: string }> {
  const signer = new DsqlSigner({ hostname: event.host, region: event.region, expiresIn: 900 });
  const token = event.user === 'admin' ? await signer.getDbConnectAdminAuthToken() : await signer.getDbConnectAuthToken();
  const client = new Client({
    host: event.host,
    port: 5432,
    user: event.user,
    database: 'postgres',
    password: token,
    ssl: { rejectUnauthorized: true, servername: event.host },
    connectionTimeoutMillis: 15_000,
  });
  try {
    await client.connect();
    const result = await client.query('SELECT 1 AS value');
    return { ok: true, value: Number(result.rows[0].value) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: message.split(token).join('<token>') };
  } finally {
    await client.end().catch(() => undefined);
  }
}
