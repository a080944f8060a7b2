import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../git/types.ts';
import { changeText } from '../../core/diff/index.ts';
import { evoStepInput, productionChanges } from './evoStepInput.ts';

const change = (path: string, kind: FileChange['kind'], oldText: string | null, newText: string | null): FileChange => ({
  path,
  kind,
  oldOid: oldText === null ? null : `old-${path}`,
  newOid: newText === null ? null : `new-${path}`,
  oldText,
  newText,
});

const OLD = 'def f():\n    return 1\n\n\ndef g():\n    return 2\n';
const NEW = 'def f():\n    return 1\n\n\ndef g():\n    return 3\n';

describe('evoStepInput', () => {
  const changes = [
    change('pkg/core.py', 'modified', OLD, NEW),
    change('pkg/new.py', 'added', null, 'X = 1\n'),
    change('pkg/gone.py', 'deleted', 'Y = 2\n', null),
    change('tests/test_core.py', 'modified', 'a\n', 'b\n'),
    change('pkg/conftest.py', 'added', null, 'import pytest\n'),
    change('README.md', 'modified', 'a\n', 'b\n'),
  ];

  it('keeps the production .py files only (test files and other files are not read)', () => {
    expect(productionChanges(changes).map((c) => c.path)).toEqual(['pkg/core.py', 'pkg/new.py', 'pkg/gone.py']);
  });

  it('reads each change as changeText, keyed by its blob ids (an added file by its own, like a snapshot)', () => {
    const input = evoStepInput('c1', changes);
    expect(input.commit).toBe('c1');
    expect(input.files).toEqual([
      { path: 'pkg/core.py', oid: 'old-pkg/core.py:new-pkg/core.py', text: changeText('pkg/core.py', OLD, NEW) },
      { path: 'pkg/new.py', oid: 'new-pkg/new.py', text: 'X = 1\n' },
      { path: 'pkg/gone.py', oid: 'old-pkg/gone.py:', text: changeText('pkg/gone.py', 'Y = 2\n', '') },
    ]);
    expect(input.files[2]?.text).toMatch(/deleted file: pkg\/gone.py/);
  });

  it('gives no files for a commit without production changes (the state does not move)', () => {
    expect(evoStepInput('c2', [changes[3]!, changes[5]!]).files).toEqual([]);
  });
});
