#!/usr/bin/env node
// count.js: turns a test suite's machine-readable output into "<passed> <failed>" on the first
// line, then the name of each failed test on a line of its own.
//   node count.js go <go-test-json-file>    counts test2json pass/fail events of tests and subtests
//   node count.js forge <forge-json-file>   counts forge test --json results
//   node count.js vitest <vitest-json-file> counts vitest --reporter=json results
'use strict';
const fs = require('fs');
const [kind, file] = process.argv.slice(2);
let text = '';
try { text = fs.readFileSync(file, 'utf8'); } catch { /* a suite that produced nothing counts as 0 0 */ }
let passed = 0, failed = 0;
const failedNames = [];
const lines = text.split('\n').filter((l) => l.trim().startsWith('{'));
if (kind === 'go') {
  // A package that fails to build or panics outside a test has no failing test event:
  // count it as one failure so a broken package can never pass silently.
  const failedPkgs = new Set(), testFailPkgs = new Set();
  for (const l of lines) {
    let ev; try { ev = JSON.parse(l); } catch { continue; }
    if (ev.Action === 'pass' && ev.Test) passed++;
    if (ev.Action === 'fail' && ev.Test) { failed++; testFailPkgs.add(ev.Package); failedNames.push(`${ev.Package} ${ev.Test}`); }
    if (ev.Action === 'fail' && !ev.Test) failedPkgs.add(ev.Package);
  }
  for (const p of failedPkgs) if (!testFailPkgs.has(p)) { failed++; failedNames.push(`${p} (package)`); }
} else if (kind === 'forge') {
  for (const l of lines) {
    let suites; try { suites = JSON.parse(l); } catch { continue; }
    for (const [suite, s] of Object.entries(suites)) {
      for (const [test, r] of Object.entries(s.test_results || {})) {
        if (r.status === 'Success') passed++; else { failed++; failedNames.push(`${suite} ${test}`); }
      }
    }
  }
} else if (kind === 'vitest') {
  try {
    const r = JSON.parse(text);
    passed = r.numPassedTests || 0;
    failed = (r.numFailedTests || 0) + (r.numRuntimeErrorTestSuites || 0);
    for (const f of r.testResults || []) {
      for (const a of f.assertionResults || []) if (a.status === 'failed') failedNames.push(`${f.name} ${a.fullName}`);
      if (f.status === 'failed' && !(f.assertionResults || []).length) failedNames.push(`${f.name} (file)`);
    }
  } catch { /* nothing ran */ }
} else {
  console.error('count.js: unknown kind ' + kind);
  process.exit(2);
}
process.stdout.write([`${passed} ${failed}`, ...failedNames].join('\n') + '\n');
