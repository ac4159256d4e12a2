/**
 * The README's TypeScript examples synthesize.
 *
 * `npx projen rosetta:extract` (part of `npm test`) compiles every example against the jsii assembly and
 * translates it into the other languages; compiling does not run the constructs, so an example that compiles
 * can still fail at synth (a refused prop, an impossible combination). Here each example is completed with its
 * rosetta fixture exactly as jsii-rosetta does (imports hoisted, the code put at `/// here`), transpiled,
 * run with `secure-dsql` resolved to this package's sources, and its stack synthesized: it must produce no
 * error annotation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import * as secureDsql from '../src';

const ROOT = path.join(__dirname, '..');

interface Snippet {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  readonly fixture: string;
  readonly source: string;
}

/** Every ```ts / ```typescript block of a markdown file, with the fixture its info string names. */
function typescriptSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s.*)?$/.exec(lines[i]);
    if (!open) continue;
    const fixture = /\bfixture=([\w-]+)/.exec(open[2] ?? '')?.[1] ?? 'default';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    snippets.push({ line: start + 1, fixture, source: body.join('\n') });
  }
  return snippets;
}

/** The snippet inside its fixture, the way jsii-rosetta builds it (imports and `declare`s hoisted). */
function completeSource(snippet: Snippet): string {
  const fixture = fs.readFileSync(path.join(ROOT, 'rosetta', `${snippet.fixture}.ts-fixture`), 'utf-8');
  const file = ts.createSourceFile('snippet.ts', snippet.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let imports = '';
  let statements = '';
  for (const statement of file.statements) {
    const hoisted = ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)
      || (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword));
    if (hoisted) imports += statement.getFullText(file);
    else statements += statement.getFullText(file);
  }
  const here = /[/]{3}[ \t]*here[ \t]*$/m;
  expect(fixture).toMatch(here);
  return `${imports}\n${fixture.replace(here, statements)}\nexports.MyStack = MyStack;\n`;
}

/** Runs the completed source and returns its `MyStack` class. */
function loadStackClass(source: string): new (scope: App, id: string) => Stack {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  // The snippet's imports, resolved when it runs: `secure-dsql` is this package's sources.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireForSnippet = (id: string) => (id === 'secure-dsql' ? secureDsql : require(id));
  const module = { exports: {} as any };
  new Function('exports', 'require', 'module', js)(module.exports, requireForSnippet, module);
  return module.exports.MyStack;
}

const snippets = typescriptSnippets(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8'));

// `lambda.Code.fromAsset('<dir>')` needs the directory: run each example in a scratch directory that has it.
let scratch: string;
let cwd: string;
beforeAll(() => {
  cwd = process.cwd();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-snippets-'));
  for (const snippet of snippets) {
    for (const [, dir] of snippet.source.matchAll(/Code\.fromAsset\('([^']+)'\)/g)) {
      fs.mkdirSync(path.join(scratch, dir), { recursive: true });
      fs.writeFileSync(path.join(scratch, dir, 'index.js'), 'exports.handler = async () => {};\n');
    }
    // A NodejsFunction's entry: the README's function code (the integ client), bundled with esbuild as in an app
    // made by `cdk init` (a lock file at the project root, the packages in node_modules).
    for (const [, entry] of snippet.source.matchAll(/\bentry: '([^']+)'/g)) {
      fs.mkdirSync(path.dirname(path.join(scratch, entry)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'integ', 'clients', 'connect-check.ts'), path.join(scratch, entry));
    }
  }
  fs.writeFileSync(path.join(scratch, 'package-lock.json'), '{ "lockfileVersion": 3 }\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'));
  process.chdir(scratch);
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(scratch, { recursive: true, force: true });
});

function synthesize(snippet: Snippet): Stack {
  const MyStack = loadStackClass(completeSource(snippet));
  const app = new App({ outdir: path.join(scratch, `cdk.out.${snippet.line}`) });
  const stack = new MyStack(app, 'Readme');
  app.synth();
  return stack;
}

test('the README has TypeScript examples, and each names a fixture that exists', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(5);
  for (const snippet of snippets) {
    expect(fs.existsSync(path.join(ROOT, 'rosetta', `${snippet.fixture}.ts-fixture`))).toBe(true);
  }
});

test.each(snippets.filter((s) => s.fixture !== 'app').map((s) => [s.line, s]))('README example at line %d synthesizes without errors', (_line, snippet) => {
  const stack = synthesize(snippet);
  expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
});

// A whole-app example creates and synthesizes its own App: it runs without throwing (synthesis fails on an error).
test.each(snippets.filter((s) => s.fixture === 'app').map((s) => [s.line, s]))('README app example at line %d synthesizes', (_line, snippet) => {
  expect(snippet.source).toMatch(/\bapp\.synth\(\)/);
  const MyStack = loadStackClass(completeSource(snippet)) as unknown as new () => unknown;
  expect(() => new MyStack()).not.toThrow();
});

test('the first example builds what the README says it does', () => {
  const t = Template.fromStack(synthesize(snippets[0]));
  // A cluster with a customer-managed key and a resource policy that denies connections from outside a VPC endpoint
  const clusters = Object.values<any>(t.findResources('AWS::DSQL::Cluster'));
  expect(clusters).toHaveLength(1);
  expect(clusters[0].Properties.KmsEncryptionKey).toBeDefined();
  expect(JSON.stringify(clusters[0].Properties.PolicyDocument)).toContain('aws:SourceVpc');
  // The interface endpoint with private DNS, and the database role created through it
  t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
  t.resourceCountIs('Custom::DsqlDatabaseRole', 1);
  // The function is told the private host name
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { DSQL_HOST: Match.anyValue() } },
  });
});
