/**
 * Cost of DsqlDatabaseRole: what N roles on one cluster add to a stack (Lambda functions, IAM roles and
 * policies, custom resources, template size, synth time), and the size of the handler bundle that every
 * stack with a role uploads.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lib from '../src';
import { median } from './synth';
import { BENCH_ENV } from './units';

export interface RoleRow {
  readonly roles: number;
  readonly functions: number;
  readonly iamRoles: number;
  readonly iamPolicies: number;
  readonly customResources: number;
  readonly templateBytes: number;
  readonly synthMs: number;
  readonly repetitions: number;
}

function count(template: any, type: string): number {
  return Object.values<any>(template.Resources ?? {}).filter((r) => r.Type === type).length;
}

/** One app: a cluster, one application role, and `roles` database roles mapped to it. */
function synthOnce(roles: number, workdir: string): Omit<RoleRow, 'repetitions'> {
  const outdir = fs.mkdtempSync(path.join(workdir, `roles-${roles}-`));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  const stack = new Stack(app, 'Roles', { env: BENCH_ENV });
  const cluster = new lib.SecureDsqlCluster(stack, 'Db');
  const appRole = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  for (let i = 0; i < roles; i++) {
    cluster.addDatabaseRole(`Role${i}`, { roleName: `app_role_${i}`, principals: [appRole], schemaPrivileges: [{ schema: 'public' }] });
  }
  const assembly = app.synth();
  const synthMs = Number(process.hrtime.bigint() - start) / 1e6;
  const artifact = assembly.getStackByName(stack.stackName);
  const template = artifact.template;
  const row = {
    roles,
    functions: count(template, 'AWS::Lambda::Function'),
    // The application role is not the database roles' cost.
    iamRoles: count(template, 'AWS::IAM::Role') - 1,
    iamPolicies: count(template, 'AWS::IAM::Policy') + count(template, 'AWS::IAM::ManagedPolicy'),
    customResources: count(template, 'Custom::DsqlDatabaseRole'),
    templateBytes: fs.statSync(artifact.templateFullPath).size,
    synthMs,
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  return row;
}

/** For each role count: one warm-up synth, then `repetitions` timed ones (median). */
export function runRoleBench(roleCounts: readonly number[], repetitions: number): RoleRow[] {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-bench-roles-'));
  try {
    return roleCounts.map((roles) => {
      synthOnce(roles, workdir);
      const samples = Array.from({ length: repetitions }, () => synthOnce(roles, workdir));
      return { ...samples[0], synthMs: median(samples.map((s) => s.synthMs)), repetitions };
    });
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** Size in bytes of the bundled handler (built by `npx projen bundle`), or undefined when it is missing. */
export function handlerBundleBytes(): number | undefined {
  const file = path.join(__dirname, '..', 'assets', 'handlers', 'database-role.lambda', 'index.js');
  return fs.existsSync(file) ? fs.statSync(file).size : undefined;
}
