/**
 * Integration test: a database role mapped to a Lambda's IAM role.
 *
 * `cluster.addDatabaseRole('Reader', …).grantConnect(client)` gives the client both halves: the IAM side
 * (`dsql:DbConnect` on this cluster) and the database side (`AWS IAM GRANT app_reader TO '<client role>'`).
 * The client then connects as `app_reader` with a token and runs SELECT 1; a Lambda that was granted
 * `dsql:DbConnect` but is not mapped to the role is refused.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DsqlTablePrivilege, SecureDsqlCluster } from '../src';
import { ConnectCheck, assertReportVerdicts } from './clients';

const app = new App();
const stack = new Stack(app, 'SecureDsqlDatabaseRole');

const cluster = new SecureDsqlCluster(stack, 'Cluster', {
  clusterName: 'integ-database-role',
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const client = new ConnectCheck(stack, 'Client');
const unmapped = new ConnectCheck(stack, 'Unmapped');

const reader = cluster.addDatabaseRole('Reader', {
  roleName: 'app_reader',
  schemaPrivileges: [{ schema: 'public', tables: [DsqlTablePrivilege.SELECT] }],
});
reader.grantConnect(client);
cluster.grantConnect(unmapped); // IAM side only: no database mapping

const integ = new IntegTest(app, 'DatabaseRoleTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// Each client × route the access report decides is asserted as it decides (see integ/clients/verdicts.ts): the
// report allows all three on the internet. Client logs in as app_reader and runs SELECT 1, which also proves
// the database-role handler's row (app_reader exists only if the handler reached the cluster); Unmapped is
// allowed dsql:DbConnect but mapped to no database role, so the database refuses it (layer database-role).
assertReportVerdicts(integ, { cluster, clients: [client, unmapped], databaseRoles: [reader] });
