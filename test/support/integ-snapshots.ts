/**
 * Reads the committed integ snapshots (integ/*.snapshot/) as a deployment would see them: every stack's
 * template with deterministic fake physical ids (the scheme of ResolvedTemplate in ./iam-eval), the exports
 * that link the assertion stack to the stacks under test, and every integ-tests-alpha assertion, i.e. every
 * `Custom::DeployAssert@…` resource that carries an `expected` pattern, with its properties resolved to the
 * values CloudFormation would send the assertion handler.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ResolvedTemplate } from './iam-eval';

export const INTEG_DIR = path.join(__dirname, '..', '..', 'integ');

/** A state-machine retry policy of an assertion that waits (`waitForAssertions`). */
export interface WaiterRetry {
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
}

export interface SnapshotAssertion {
  /** e.g. `integ.private-link.ts.snapshot/PrivateLinkTestDefaultTestDeployAssertD0980745/LambdaInvoke37da…` */
  readonly name: string;
  readonly snapshot: Snapshot;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** The resource's properties with every intrinsic resolved (what the handler receives). */
  readonly properties: Record<string, any>;
  /** The asset directory of the Lambda function that handles the first event (ServiceToken), and its handler. */
  readonly handlerAssetDir: string;
  /** e.g. `index.handler` */
  readonly handler: string;
  /** Set when the assertion waits: the retry policy of its state machine and the asset of its isComplete function. */
  readonly waiter?: WaiterRetry & { readonly isCompleteAssetDir: string; readonly isCompleteHandler: string };
}

export class Snapshot {
  public readonly name: string;
  /** Raw templates by stack name. */
  public readonly templates: Record<string, any> = {};
  /** Resolved templates by stack name. */
  public readonly resolved: Record<string, ResolvedTemplate> = {};
  /** Names of the stacks under test (the ones that are not assertion stacks). */
  public readonly testStacks: string[] = [];
  public readonly assertionStacks: string[] = [];
  private readonly exports: Record<string, string> = {};

  constructor(public readonly dir: string) {
    this.name = path.basename(dir);
    const manifest = readJson(path.join(dir, 'manifest.json'));
    const integ = readJson(path.join(dir, 'integ.json'));
    const assertionStackNames = new Set(Object.values<any>(integ.testCases).map((tc) => tc.assertionStackName));
    for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts)) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const stackName: string = artifact.properties?.stackName ?? artifactId;
      const template = readJson(path.join(dir, artifact.properties.templateFile));
      this.templates[stackName] = template;
      this.resolved[stackName] = new ResolvedTemplate(Template.fromJSON(template));
      (assertionStackNames.has(stackName) ? this.assertionStacks : this.testStacks).push(stackName);
    }
    for (const stackName of Object.keys(this.templates)) {
      for (const output of Object.values<any>(this.templates[stackName].Outputs ?? {})) {
        if (output.Export?.Name) this.exports[output.Export.Name] = this.resolved[stackName].resolve(output.Value);
      }
    }
  }

  /** Resolve a value of a stack's template, Fn::ImportValue included. */
  public resolve(stackName: string, value: any): any {
    return this.resolved[stackName].resolve(this.importValues(value));
  }

  /** The construct path (`Stack/Id/…`, without `/Resource`) of a resource, from the stack's metadata. */
  public constructPath(stackName: string, logicalId: string): string {
    const metadata = readJson(path.join(this.dir, `${stackName}.metadata.json`));
    for (const [p, entries] of Object.entries<any[]>(metadata)) {
      if (entries.some((e) => e.type === 'aws:cdk:logicalId' && e.data === logicalId)) {
        return p.replace(/^\//, '').replace(/\/Resource$/, '');
      }
    }
    throw new Error(`${this.name}: no construct path for ${stackName}/${logicalId} in its metadata`);
  }

  /** Every resource of the stacks under test with this type: [stack, logicalId, resolved properties]. */
  public testResources(type: string): Array<{ stack: string; logicalId: string; properties: any }> {
    const out: Array<{ stack: string; logicalId: string; properties: any }> = [];
    for (const stack of this.testStacks) {
      for (const logicalId of this.resolved[stack].logicalIdsOfType(type)) {
        out.push({ stack, logicalId, properties: this.resolved[stack].json.Resources[logicalId].Properties ?? {} });
      }
    }
    return out;
  }

  /** The directory of the asset a Lambda function of this stack runs, from the stack's asset manifest. */
  public functionAsset(stackName: string, functionLogicalId: string): { dir: string; handler: string } {
    const fn = this.templates[stackName].Resources[functionLogicalId];
    if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${this.name}: ${stackName}/${functionLogicalId} is not a Lambda function`);
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const assets = readJson(path.join(this.dir, `${stackName}.assets.json`));
    const source = assets.files[hash]?.source;
    if (!source) throw new Error(`${this.name}: asset ${hash} of ${functionLogicalId} is not in ${stackName}.assets.json`);
    return { dir: path.join(this.dir, source.path), handler: fn.Properties.Handler };
  }

  /**
   * aws-cdk-lib's cross-Region references: `Fn::GetAtt [<ExportsReader>, '/cdk/exports/<reader stack>/<writer
   * stack><region>FnGetAtt<logical id><attribute><hash>']` reads the value the writer stack exported, which
   * is that stack's attribute. False when `getAtt` is not such a reference.
   */
  private crossRegionReference(getAtt: unknown): any {
    if (!Array.isArray(getAtt) || typeof getAtt[1] !== 'string') return false;
    const m = /^\/cdk\/exports\/[^/]+\/(.+)$/.exec(getAtt[1]);
    if (!m) return false;
    for (const writer of Object.keys(this.templates)) {
      if (!m[1].startsWith(writer)) continue;
      const rest = m[1].slice(m[1].indexOf('FnGetAtt') + 'FnGetAtt'.length);
      const logicalId = Object.keys(this.templates[writer].Resources ?? {}).find((id) => rest.startsWith(id));
      if (logicalId) return this.resolved[writer].getAtt(logicalId, rest.slice(logicalId.length, -8));
    }
    throw new Error(`${this.name}: the cross-Region reference ${getAtt[1]} names no resource of a stack in the snapshot`);
  }

  private importValues(value: any): any {
    if (Array.isArray(value)) return value.map((v) => this.importValues(v));
    if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === 'Fn::ImportValue') {
        const name = value['Fn::ImportValue'];
        if (!(name in this.exports)) throw new Error(`${this.name}: Fn::ImportValue ${name} is exported by no stack`);
        return this.exports[name];
      }
      const crossRegion = keys.length === 1 && keys[0] === 'Fn::GetAtt' && this.crossRegionReference(value['Fn::GetAtt']);
      if (crossRegion !== false) return crossRegion;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.importValues(v)]));
    }
    return value;
  }
}

export function loadSnapshots(dir = INTEG_DIR): Snapshot[] {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.snapshot') && fs.statSync(path.join(dir, f)).isDirectory())
    .sort()
    .map((f) => new Snapshot(path.join(dir, f)));
}

/** Every assertion of a snapshot: the `Custom::DeployAssert@…` resources with an `expected` property. */
export function assertionsOf(snapshot: Snapshot): SnapshotAssertion[] {
  const out: SnapshotAssertion[] = [];
  for (const stackName of snapshot.assertionStacks) {
    const template = snapshot.templates[stackName];
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      if (!String(resource.Type).startsWith('Custom::DeployAssert@')) continue;
      if (!('expected' in (resource.Properties ?? {}))) continue;
      const properties = snapshot.resolve(stackName, resource.Properties);
      const serviceToken = resource.Properties.ServiceToken?.['Fn::GetAtt']?.[0];
      const handler = snapshot.functionAsset(stackName, serviceToken);
      let waiter: SnapshotAssertion['waiter'];
      const machineRef = resource.Properties.stateMachineArn?.Ref;
      if (machineRef) waiter = waiterOf(snapshot, stackName, machineRef);
      out.push({
        name: `${snapshot.name}/${stackName}/${logicalId}`,
        snapshot,
        stackName,
        logicalId,
        resourceType: resource.Type,
        properties,
        handlerAssetDir: handler.dir,
        handler: handler.handler,
        waiter,
      });
    }
  }
  return out;
}

/** The retry policy and isComplete function of a waiter state machine (integ-tests-alpha's WaiterStateMachine). */
function waiterOf(snapshot: Snapshot, stackName: string, machineLogicalId: string): NonNullable<SnapshotAssertion['waiter']> {
  const machine = snapshot.templates[stackName].Resources[machineLogicalId];
  // The definition is a Fn::Join whose tokens are the GetAtt Arn of the isComplete and onTimeout functions: keep
  // the logical ids in place of the ARNs, to find the functions.
  const parts: any[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `fn:${p['Fn::GetAtt'][0]}`)).join(''));
  const start = definition.States[definition.StartAt];
  const retry = start.Retry?.[0];
  if (!retry) throw new Error(`${snapshot.name}: waiter ${machineLogicalId} has no Retry on its first state`);
  const isComplete = snapshot.functionAsset(stackName, String(start.Resource).replace(/^fn:/, ''));
  return {
    intervalSeconds: retry.IntervalSeconds,
    maxAttempts: retry.MaxAttempts,
    backoffRate: retry.BackoffRate ?? 1,
    isCompleteAssetDir: isComplete.dir,
    isCompleteHandler: isComplete.handler,
  };
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}
