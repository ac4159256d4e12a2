/**
 * Jest global setup: every test run writes its temporary files (cloud assemblies of `new App()`, PostgreSQL
 * data directories, scratch apps) under one fresh directory, which the global teardown removes. aws-cdk-lib
 * and the tests take os.tmpdir(), which reads TMPDIR on every call, and the test workers start after this
 * setup with its environment.
 *
 * The directory is mode 711: other users cannot list it, but the `postgres` user that the handler tests run
 * PostgreSQL as (when run as root) can reach the directories handed to it inside.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const RUN_TMPDIR_VARIABLE = 'SECURE_DSQL_TEST_TMPDIR';

export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-test-run-'));
  fs.chmodSync(dir, 0o711);
  process.env[RUN_TMPDIR_VARIABLE] = dir;
  process.env.TMPDIR = dir;
}
