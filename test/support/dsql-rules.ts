/**
 * The Aurora DSQL rules that matter to the database-role handler, enforced on a PostgreSQL session in tests
 * (it wraps the session the handler's executor uses; see test/handlers/postgres-server.ts for the `admin`
 * that is not a superuser). From the Aurora DSQL user guide:
 *
 * - "Unsupported PostgreSQL features in Aurora DSQL": TRUNCATE, SAVEPOINT, VACUUM, ALTER SYSTEM, temporary
 *   tables, triggers, tablespaces, more than one database, foreign keys, partitions. "Supported SQL for Aurora
 *   DSQL" lists GRANT and REVOKE as its data control commands and not ALTER DEFAULT PRIVILEGES, so that is
 *   refused here too. Refused with SQLSTATE 0A000 (feature_not_supported).
 * - "Understanding DDL in Aurora DSQL": one DDL statement per transaction, never DDL and DML in one
 *   transaction. A query string with several statements is one implicit transaction; an explicit transaction
 *   runs from BEGIN to COMMIT/ROLLBACK. GRANT and REVOKE change the catalog and count as DDL here.
 * - "Cluster quotas and database limits in Amazon Aurora DSQL": at most 10 schemas per database, CREATE
 *   SCHEMA beyond fails with 54000.
 * - "Concurrency control in Aurora DSQL": a conflict is SQLSTATE 40001 with OC000 (data) or OC001 (schema) in
 *   the message. `inject` decides which statements fail with one, before they run (reads included).
 */
import { Session } from '../../src/handlers/database-role/handler';

export type ConflictKind = 'OC000' | 'OC001';

export interface DsqlRulesOptions {
  /**
   * Called before each query; a kind makes the query fail with that conflict instead of running.
   * @default never
   */
  readonly inject?: (sql: string, params: readonly unknown[] | undefined) => ConflictKind | undefined;
  /**
   * Schemas a database may have ("Cluster quotas and database limits in Amazon Aurora DSQL"): CREATE SCHEMA
   * beyond it fails with 54000. Counted: every schema but `pg_*` and `information_schema`.
   * @default 10
   */
  readonly schemaLimit?: number;
}

const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/^TRUNCATE\b/i, 'TRUNCATE'],
  [/^SAVEPOINT\b|^RELEASE\s+SAVEPOINT\b|^ROLLBACK\s+TO\b/i, 'SAVEPOINT'],
  [/^VACUUM\b/i, 'VACUUM'],
  [/^ALTER\s+SYSTEM\b/i, 'ALTER SYSTEM'],
  [/^CREATE\s+(GLOBAL\s+|LOCAL\s+)?(TEMP|TEMPORARY)\s+TABLE\b/i, 'temporary tables'],
  [/^CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER\b/i, 'triggers'],
  [/^CREATE\s+TABLESPACE\b/i, 'tablespaces'],
  [/^CREATE\s+DATABASE\b/i, 'more than one database'],
  [/^CREATE\s+TABLE\b[\s\S]*\b(REFERENCES|FOREIGN\s+KEY)\b/i, 'foreign keys'],
  [/^CREATE\s+TABLE\b[\s\S]*\bPARTITION\s+(BY|OF)\b/i, 'partitions'],
  [/^ALTER\s+DEFAULT\s+PRIVILEGES\b/i, 'ALTER DEFAULT PRIVILEGES (not among the supported DCL commands)'],
];

const DDL = /^(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|AWS\s+IAM)\b/i;
const DML = /^(INSERT|UPDATE|DELETE|MERGE)\b/i;
const BEGIN = /^(BEGIN|START\s+TRANSACTION)\b/i;
const END = /^(COMMIT|END|ROLLBACK|ABORT)\b/i;

/** The statements of a query string (string literals and quoted identifiers are not split). */
export function statementsOf(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '\'' || ch === '"') {
      quote = ch;
    } else if (ch === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function refuse(message: string, code = '0A000'): Error {
  return Object.assign(new Error(message), { code });
}

/** A conflict as Aurora DSQL reports it. */
export function conflictError(kind: ConflictKind): Error {
  return refuse(kind === 'OC001'
    ? 'schema has been updated by another transaction, please retry: (OC001)'
    : 'change conflicts with another transaction, please retry: (OC000)', '40001');
}

/** Wraps sessions with the rules; records what it refused and which conflicts it injected. */
export class DsqlRules {
  /** Statements refused, with the reason. */
  public readonly refused: string[] = [];
  /** Conflicts injected, in order. */
  public readonly injected: Array<{ readonly sql: string; readonly kind: ConflictKind }> = [];
  public inject?: DsqlRulesOptions['inject'];
  private readonly schemaLimit: number;

  constructor(options: DsqlRulesOptions = {}) {
    this.inject = options.inject;
    this.schemaLimit = options.schemaLimit ?? 10;
  }

  /** Inject one conflict on the first run of every distinct statement (with its parameters). */
  conflictOnFirstRunOfEach(): void {
    const seen = new Set<string>();
    this.inject = (sql, params) => {
      const key = `${sql}\0${JSON.stringify(params ?? [])}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
      return DDL.test(sql.trim()) ? 'OC001' : 'OC000';
    };
  }

  wrap(session: Session): Session {
    // Per session: the DDL and DML statements of the open explicit transaction, if any.
    let transaction: { ddl: number; dml: number } | undefined;
    return {
      end: () => session.end(),
      query: async (sql, params) => {
        const statements = statementsOf(sql);
        if (statements.length > 1) {
          this.refused.push(sql);
          throw refuse(`${statements.length} statements in one query string: one implicit transaction (Aurora DSQL: one DDL per transaction, never DDL and DML together)`);
        }
        const text = statements[0] ?? '';
        for (const [pattern, what] of UNSUPPORTED) {
          if (pattern.test(text)) {
            this.refused.push(sql);
            throw refuse(`${what} is not supported by Aurora DSQL`);
          }
        }
        if (BEGIN.test(text)) {transaction = { ddl: 0, dml: 0 };} else if (END.test(text)) {transaction = undefined;} else if (transaction) {
          const ddl = DDL.test(text);
          const dml = DML.test(text);
          if ((ddl && (transaction.ddl > 0 || transaction.dml > 0)) || (dml && transaction.ddl > 0)) {
            this.refused.push(sql);
            throw refuse('Aurora DSQL runs one DDL statement per transaction, and never DDL and DML in one transaction');
          }
          if (ddl) transaction.ddl++;
          if (dml) transaction.dml++;
        }
        const kind = this.inject?.(sql, params);
        if (kind) {
          this.injected.push({ sql, kind });
          throw conflictError(kind);
        }
        if (/^CREATE\s+SCHEMA\b/i.test(text)) {
          const schemas = await session.query("SELECT count(*) AS n FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'");
          if (Number(schemas.rows[0].n) >= this.schemaLimit) {
            this.refused.push(sql);
            throw refuse(`more than ${this.schemaLimit} schemas not allowed`, '54000');
          }
        }
        return session.query(sql, params);
      },
    };
  }
}
