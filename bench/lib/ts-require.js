// Lets a benchmark require the test harness's TypeScript helpers (test/helpers/*.ts) directly,
// compiled on load with the project's own TypeScript: one implementation for tests and benches.
const fs = require('node:fs');

function registerTs() {
  if (require.extensions['.ts']) return;
  const ts = require('typescript');
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: filename,
    });
    module._compile(outputText, filename);
  };
}

module.exports = { registerTs };
