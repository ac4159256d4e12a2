/**
 * One snapshot test per example: whole-template drift shows up here. Fine-grained intent is asserted in
 * the construct tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../examples/app';

describe('example app', () => {
  const app = buildExampleApp();
  const stacks = app.node.children.filter((c): c is import('aws-cdk-lib').Stack => (c as any).templateOptions !== undefined);

  test('has stacks', () => {
    expect(stacks.length).toBeGreaterThan(0);
  });

  test.each(stacks.map((s) => [s.stackName, s]))('%s matches its snapshot', (_name, stack) => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

describe('README stays true to what the library does', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

  test('the sample access report rows are the example app\'s report, row for row', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-example-report-'));
    try {
      buildExampleApp(new App({ outdir })).synth();
      const report = fs.readFileSync(path.join(outdir, 'dsql-access-report.md'), 'utf-8');
      const section = readme.slice(readme.indexOf('## Access report'));
      const rows = section.split('\n').filter((l) => l.startsWith('| `SecureDsqlExample/'));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(report.split('\n')).toContain(row);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the function code the README shows is the integration tests\' client, line for line', () => {
    const block = /\*\*3\. Connect from the function\*\*[\s\S]*?```tsx\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const client = fs.readFileSync(path.join(__dirname, '..', 'integ', 'clients', 'connect-check.ts'), 'utf-8');
    // the client without its header comment
    const code = client.slice(client.indexOf('import { DsqlSigner }'));
    expect(block).toBe(code);
  });
});
