/**
 * Compliance of every integ app (integ/integ.*.ts). The integ files build their App at import time and
 * export nothing, so `App` is replaced here by a subclass that records each instance (and skips asset
 * bundling); the file is then imported once and its app checked with the standard suite plus the canary.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';

const captured: App[] = [];

jest.mock('aws-cdk-lib', () => {
  const actual = jest.requireActual('aws-cdk-lib');
  class RecordingApp extends actual.App {
    constructor(props: Record<string, any> = {}) {
      super({
        ...props,
        outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-integ-compliance-')),
        // Bundling the integ clients with esbuild is not needed to check the templates.
        context: { ...props.context, 'aws:cdk:bundling-stacks': [] },
      });
      captured.push(this as unknown as App);
    }
  }
  return new Proxy(actual, { get: (target, prop) => (prop === 'App' ? RecordingApp : target[prop]) });
});

// Imported after the mock, so that they see the same (recording) aws-cdk-lib.
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InsecureCanary } from './fixtures';
import { complianceSuite, libraryRoots } from './suite';
import { markOutsideTest } from '../../integ/clients/verdicts';

const INTEG_DIR = path.join(__dirname, '..', '..', 'integ');
const integFiles = fs.readdirSync(INTEG_DIR).filter(f => /^integ\..*\.ts$/.test(f)).sort();

/**
 * Import an integ file (once: the module registry is shared, so that its constructs are the classes the
 * harness and cdk-nag know) and return the app it built.
 */
function loadIntegApp(file: string): App {
  const before = captured.length;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the integ script for its side effect
  require(path.join(INTEG_DIR, file));
  const apps = captured.slice(before);
  if (apps.length !== 1) throw new Error(`${file} created ${apps.length} apps, expected 1`);
  return apps[0];
}

test('there are integ apps to check', () => {
  expect(integFiles.length).toBeGreaterThan(0);
});

for (const file of integFiles) {
  complianceSuite(file, () => {
    const app = loadIntegApp(file);
    // The canary goes into the stack under test: the first stack that holds a library construct.
    const roots = libraryRoots(app);
    const stack = app.node.findAll().filter(Stack.isStack).find(s => roots.some(r => r.startsWith(`${s.node.path}/`)));
    if (!stack) throw new Error(`${file}: no stack uses the library`);
    // Not part of the integration test: its admin policy makes it a DSQL client, which the report-derived
    // assertions (integ/clients/verdicts.ts) would otherwise require a connection check for.
    const outside = new Construct(stack, 'ComplianceHarness');
    markOutsideTest(outside);
    return { app, canary: new InsecureCanary(outside, 'InsecureCanary') };
  }, {
    // An integ file builds its app once per process; that acknowledgements are needed is proven on the
    // representative app, which uses every construct.
    checkAcknowledgementsNeeded: false,
  });
}
