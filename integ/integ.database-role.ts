/**
 * Integration test: a database role mapped to a Lambda's IAM role.
 *
 * `cluster.addDatabaseRole('Reader', …).grantConnect(client)` gives the client both halves: the IAM side
 * (`dsql:DbConnect` on this cluster) and the database side (`AWS IAM GRANT app_reader TO '<client role>'`).
 * The client then connects as `app_reader` with a token and runs SELECT 1; a Lambda that was granted
 * `dsql:DbConnect` but is not mapped to the role is refused.
 *
 * It also runs, on a real cluster, the statements the Aurora DSQL user guide neither lists nor rules out:
 * - a set-up custom resource (admin) makes `app_legacy` without LOGIN, and a migration role `shop_owner` that
 *   owns schema `shop` and its table (`GRANT shop_owner TO admin`, `SET ROLE`, `CREATE SCHEMA`, `CREATE TABLE`);
 * - `Legacy` adopts `app_legacy` (`ALTER ROLE … WITH LOGIN`); its client connects as it;
 * - `ShopReader` gets `SELECT` on the migration role's tables (the handler grants itself `shop_owner`, grants,
 *   and gives it up); its client reads `shop.products`;
 * - on destroy every role is dropped (`REVOKE … ON ALL TABLES IN SCHEMA`, `DROP ROLE`): a refused statement
 *   fails the destroy, and so the test.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { DsqlTablePrivilege, SecureDsqlCluster } from '../src';
import { CONNECT_RETRY, ConnectCheck, SqlClient, assertReportVerdicts, queried } from './clients';

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

// Set-up as admin, before the roles below: a role made outside the library, and a migration role's schema.
const setupFunction = new SqlClient(stack, 'SetupSql', 'setup');
cluster.grantConnectAdmin(setupFunction);
const setup = new CustomResource(stack, 'Setup', {
  serviceToken: new cr.Provider(stack, 'SetupProvider', { onEventHandler: setupFunction }).serviceToken,
  properties: {
    Host: cluster.clusterEndpoint,
    Region: stack.region,
    Statements: [
      'CREATE ROLE app_legacy',
      'CREATE ROLE shop_owner',
      'GRANT shop_owner TO admin',
      'SET ROLE shop_owner',
      'CREATE SCHEMA shop',
      'CREATE TABLE shop.products (id int PRIMARY KEY)',
      'RESET ROLE',
      'REVOKE shop_owner FROM admin',
    ],
    DeleteStatements: [
      'GRANT shop_owner TO admin',
      'SET ROLE shop_owner',
      'DROP TABLE shop.products',
      'DROP SCHEMA shop',
      'RESET ROLE',
      'REVOKE shop_owner FROM admin',
      'DROP ROLE shop_owner',
    ],
  },
});

const legacy = cluster.addDatabaseRole('Legacy', { roleName: 'app_legacy', adoptExisting: true });
legacy.node.addDependency(setup);
const legacyClient = new ConnectCheck(stack, 'LegacyClient');
legacy.grantConnect(legacyClient);

const shopReader = cluster.addDatabaseRole('ShopReader', {
  roleName: 'shop_reader',
  schemaPrivileges: [{ schema: 'shop', tables: [DsqlTablePrivilege.SELECT] }],
});
shopReader.node.addDependency(setup);
const shopClient = new SqlClient(stack, 'ShopClient', 'query');
shopReader.grantConnect(shopClient);

const integ = new IntegTest(app, 'DatabaseRoleTest', {
  testCases: [stack],
  regions: ['us-east-1'],
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// Each client × route the access report decides is asserted as it decides (see integ/clients/verdicts.ts); the
// report allows all of them on the internet.
// - Client logs in as app_reader and runs SELECT 1, which also proves the database-role handler's row
//   (app_reader exists only if the handler reached the cluster);
// - Unmapped is allowed dsql:DbConnect but mapped to no database role, so the database refuses it (layer
//   database-role);
// - LegacyClient logs in as app_legacy: the handler adopted the role made without LOGIN and gave it LOGIN;
// - ShopClient (a SqlClient running `query`, which answers the ConnectCheck event) logs in as shop_reader;
// - SetupSql is run by the Setup custom resource, not invoked: it connected as admin if the deployment
//   succeeded (the custom resource fails the deployment otherwise), so it is proven by the deployment.
assertReportVerdicts(integ, {
  cluster,
  clients: [client, unmapped, legacyClient, shopClient],
  databaseRoles: [reader, legacy, shopReader],
  provenByDeployment: [setupFunction],
});

// Not a connection verdict (the one above is ShopClient's): a database-side check that shop_reader reads the
// migration role's table, which it can only if the handler granted SELECT on tables another role owns. Marked
// `databaseCheck`: test/integ-assertion-snapshots.test.ts accepts it only next to a connected verdict.
const shopRead = integ.assertions.invokeFunction({
  functionName: shopClient.functionName,
  payload: JSON.stringify({
    host: cluster.clusterEndpoint,
    region: stack.region,
    user: 'shop_reader',
    sql: 'SELECT id FROM shop.products',
    databaseCheck: 'shop_reader reads shop.products, owned by the migration role shop_owner',
  }),
});
shopRead.node.addDependency(shopReader);
shopRead.expect(queried()).waitForAssertions(CONNECT_RETRY);
