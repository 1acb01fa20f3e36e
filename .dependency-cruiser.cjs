/**
 * The import rules of docs/design.md ("The parts", C1), checked in `npm test` (scripts/lint.mjs):
 * shared imports no other part and no platform API; edge, server, dashboard and
 * firmware-config import shared and nothing of each other; nothing but tests imports test/.
 */
const PARTS = ['edge', 'server', 'dashboard', 'firmware-config'];
const TESTS = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'no import cycles between files, type imports included: a shared type moves to the module that owns it or to a small types module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-pure',
      comment: 'shared/ imports no other part of Vigía',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: `^(${PARTS.join('|')}|test)/` },
    },
    {
      name: 'shared-no-platform',
      comment: 'shared/ runs unchanged in Node and the browser: no Node built-ins',
      severity: 'error',
      from: { path: '^shared/', pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    ...PARTS.map((part) => ({
      name: `${part}-imports-only-shared`,
      comment: `${part}/ imports shared and nothing of another part (docs/design.md)`,
      severity: 'error',
      from: { path: `^${part}/` },
      to: { path: `^(${PARTS.filter((p) => p !== part).join('|')})/` },
    })),
    {
      name: 'only-tests-import-test',
      comment: 'the test/ folder (simulator, service helpers) is imported only by tests',
      severity: 'error',
      from: { path: `^(shared|${PARTS.join('|')})/`, pathNot: TESTS },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/)' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
