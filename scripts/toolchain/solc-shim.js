#!/usr/bin/env node
// solc-shim: lets forge use the pinned npm solc (solcjs) as its compiler, offline.
// forge calls `<solc> --version` and `<solc> --standard-json` (JSON on stdin);
// path flags such as --allow-paths/--base-path/--include-path are ignored because
// forge already inlines sources into the standard JSON input.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require(path.join(__dirname, 'node_modules', 'solc'));

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('solc-shim: only --version and --standard-json are supported\n');
  process.exit(2);
}
const input = fs.readFileSync(0, 'utf8');
const findImports = (p) => {
  try {
    return { contents: fs.readFileSync(p, 'utf8') };
  } catch (e) {
    return { error: 'File not found: ' + p };
  }
};
const output = solc.compile(input, { import: findImports });
// Synchronous write: an async write truncates output larger than the pipe buffer.
fs.writeSync(1, output);
