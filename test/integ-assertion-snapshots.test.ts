/**
 * The committed assertion stacks are what the integ apps synthesize now.
 *
 * integ-runner compares only the stacks under test with their snapshots (`integ:verify`), not the assertion
 * stacks, so an assertion changed in integ/integ.*.ts and not re-snapshotted would go unnoticed, and
 * test/integ-assertions.test.ts, which reads the assertions from the snapshots, would prove the old ones.
 * Here each integ app is synthesized (as in test/compliance/integ-apps.test.ts: `App` records its instances
 * and skips asset bundling, which the assertion stacks do not depend on) and its assertion stack compared
 * with the snapshot, the per-synthesis `salt` of each assertion aside.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import { INTEG_DIR, loadSnapshots } from './support/integ-snapshots';

const captured: App[] = [];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RECOMMENDED_FLAGS: Record<string, unknown> = require('@aws-cdk/integ-runner/lib/recommended-feature-flags.json');

jest.mock('aws-cdk-lib', () => {
  const actual = jest.requireActual('aws-cdk-lib');
  class RecordingApp extends actual.App {
    constructor(props: Record<string, any> = {}) {
      super({
        ...props,
        outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-integ-assertions-')),
        // integ-runner synthesizes with aws-cdk-lib's recommended feature flags (its own copy of them).
        context: { ...RECOMMENDED_FLAGS, ...props.context, 'aws:cdk:bundling-stacks': [] },
      });
      captured.push(this as unknown as App);
    }
  }
  return new Proxy(actual, { get: (target, prop) => (prop === 'App' ? RecordingApp : target[prop]) });
});

/** A template without the `salt` that integ-tests-alpha stamps on each assertion at synthesis (Date.now()). */
function withoutSalt(template: any): any {
  const resources = Object.fromEntries(Object.entries<any>(template.Resources ?? {}).map(([id, r]) => {
    if (!String(r.Type).startsWith('Custom::DeployAssert@')) return [id, r];
    const { salt: _salt, ...properties } = r.Properties ?? {};
    return [id, { ...r, Properties: properties }];
  }));
  return { ...template, Resources: resources };
}

const snapshots = loadSnapshots();

test.each(snapshots.map((s) => [s.name, s] as const))('%s: the assertion stacks are current', (_name, snapshot) => {
  const before = captured.length;
  // integ-runner synthesizes snapshots with this placeholder account (and the real one when it deploys).
  const saved = process.env.CDK_DEFAULT_ACCOUNT;
  process.env.CDK_DEFAULT_ACCOUNT = '12345678';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the integ script for its side effect
    require(path.join(INTEG_DIR, snapshot.name.replace(/\.snapshot$/, '')));
  } finally {
    if (saved === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
    else process.env.CDK_DEFAULT_ACCOUNT = saved;
  }
  const apps = captured.slice(before);
  expect(apps).toHaveLength(1);
  const assembly = apps[0].synth();
  expect(snapshot.assertionStacks.length).toBeGreaterThan(0);
  for (const stackName of snapshot.assertionStacks) {
    const synthesized = assembly.getStackByName(stackName).template;
    // When this fails: `npx projen integ:update`, and commit the snapshot.
    expect(withoutSalt(synthesized)).toEqual(withoutSalt(snapshot.templates[stackName]));
  }
});
