// Compile Solidity standard-JSON input with the solc npm package (solcjs).
// stdin: {"input": <standard JSON>, "baseDir": "<dir for imports>"}
// stdout: {"version": "<solc version>", "output": <standard JSON output>}
// We call require('solc').compile directly because the solcjs CLI prints a
// banner before its JSON. Imports resolve relative to baseDir, never outside.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

let raw = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { raw += chunk; });
process.stdin.on('end', () => {
  const request = JSON.parse(raw);
  const base = path.resolve(request.baseDir || '.');
  const findImports = (importPath) => {
    const full = path.resolve(base, importPath);
    if (!full.startsWith(base + path.sep)) {
      return { error: `import ${importPath} is outside ${base}` };
    }
    try {
      return { contents: fs.readFileSync(full, 'utf8') };
    } catch (e) {
      return { error: `file not found: ${importPath}` };
    }
  };
  const output = solc.compile(JSON.stringify(request.input), { import: findImports });
  process.stdout.write(JSON.stringify({ version: solc.version(), output: JSON.parse(output) }));
});
