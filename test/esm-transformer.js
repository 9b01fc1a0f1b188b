// Jest transformer for the ES-module packages in node_modules (Nest 12): TypeScript's transpiler
// turns them into CommonJS, with `import.meta` mapped to its CommonJS equivalents.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  allowJs: true,
  esModuleInterop: true,
};

module.exports = {
  process(source, filename) {
    // ES modules that build their own `require` (createRequire) would clash with CommonJS's.
    const own = /\b(const|let|var)\s+require\s*=/.test(source);
    const code = (own ? source.replace(/\brequire\b/g, '__esmRequire') : source)
      .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
      .replace(/\bimport\.meta\.resolve\b/g, 'require.resolve')
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    return { code: ts.transpileModule(code, { compilerOptions: OPTIONS, fileName: filename }).outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update(ts.version).update('esm-transformer-3').update(filename).update(source).digest('hex');
  },
};
