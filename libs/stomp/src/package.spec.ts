import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

/*
 * The library must be publishable on its own: every package its source imports is declared in its
 * own package.json (runtime imports as dependencies or peerDependencies; type-only imports may also
 * be satisfied by a declared `@types/*` package), and nothing is declared that the source does not use.
 */

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  types: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
/** Nest's own peers: used through Nest (decorator metadata, observables), not imported by name. */
const USED_WITHOUT_IMPORT = new Set(['reflect-metadata', 'rxjs']);
const BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Bare specifiers of a file: `{ specifier, typeOnly }` for imports, re-exports and require(). */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms;
  for (const m of text.matchAll(statement)) found.push({ specifier: m[3], typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ specifier: m[1], typeOnly: false });
  for (const m of text.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g))
    found.push({ specifier: m[1], typeOnly: false });
  return found.filter(({ specifier }) => !specifier.startsWith('.'));
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

const typesPackage = (name: string) =>
  `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

describe('libs/stomp package.json', () => {
  const files = sourceFiles(join(root, 'src'));
  const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
  const imported = new Map<string, { typeOnly: boolean; files: string[] }>();
  for (const file of files) {
    for (const { specifier, typeOnly } of importsOf(file)) {
      const name = packageOf(specifier);
      if (!name) continue;
      const entry = imported.get(name) ?? { typeOnly: true, files: [] };
      entry.typeOnly &&= typeOnly;
      entry.files.push(relative(root, file));
      imported.set(name, entry);
    }
  }

  it('reads the library source', () => {
    expect(files.length).toBeGreaterThan(20);
    expect([...imported.keys()]).toEqual(expect.arrayContaining(['@nestjs/common', 'ws', 'sockjs']));
  });

  it('declares every package the source imports', () => {
    const undeclared = [...imported].filter(
      ([name, { typeOnly }]) => !(name in runtime) && !(typeOnly && typesPackage(name) in runtime),
    );
    expect(undeclared.map(([name, { files: where }]) => `${name} (${where.join(', ')})`)).toEqual([]);
  });

  it('declares nothing the source does not use', () => {
    const used = new Set([...imported.keys()].flatMap((name) => [name, typesPackage(name)]));
    const unused = Object.keys(runtime).filter((name) => !used.has(name) && !USED_WITHOUT_IMPORT.has(name));
    expect(unused).toEqual([]);
  });

  it('keeps ioredis optional: the source only imports its types', () => {
    expect(imported.get('ioredis')?.typeOnly).toBe(true);
    expect(manifest.peerDependenciesMeta?.ioredis?.optional).toBe(true);
  });

  it('points main, types and exports at the build of tsconfig.lib.json', () => {
    const lib = JSON.parse(readFileSync(join(root, 'tsconfig.lib.json'), 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    const outDir = lib.compilerOptions.outDir.replace(/^\.\//, '');
    expect(lib.compilerOptions.rootDir).toBe('./src');
    expect(manifest.main).toBe(`${outDir}/index.js`);
    expect(manifest.types).toBe(`${outDir}/index.d.ts`);
    expect(manifest.exports['.']).toEqual({
      types: `./${outDir}/index.d.ts`,
      default: `./${outDir}/index.js`,
    });
  });

  it('asks for the versions the repository builds and tests it with', () => {
    const repo = JSON.parse(readFileSync(join(root, '..', '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const tested = { ...repo.devDependencies, ...repo.dependencies };
    for (const [name, range] of Object.entries(runtime)) expect([name, tested[name]]).toEqual([name, range]);
  });
});
