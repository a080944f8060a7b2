import { describe, expect, it } from 'vitest';
import { parseTaskJsonl, taskRecord, toTaskJsonl } from './records.ts';
import type { ExtractedTask } from './types.ts';

const task: ExtractedTask = {
  path: 'tests/test_é.py',
  line: 11,
  column: 17,
  kind: 'assert',
  prefix: 'def test_parse():\n    assert v == ',
  target: 'Version(1, 2)',
  function: 'test_parse',
  statement: 'assert v == Version(1, 2)',
};

describe('task records', () => {
  it('builds the id and field order of models/data/bench_build.py', () => {
    const record = taskRecord('pkg', '1.0-1', task, 'cr_test');
    expect(record.id).toBe('pkg@1.0-1:tests/test_é.py:11:17');
    expect(Object.keys(record)).toEqual(['id', 'repo', 'commit', 'path', 'line', 'kind', 'prefix', 'target', 'split']);
  });

  it('round-trips through JSONL and refuses malformed records', () => {
    const records = [taskRecord('pkg', '1.0-1', task, 'train'), taskRecord('pkg', '1.0-1', task, 'ir_val')];
    expect(parseTaskJsonl(toTaskJsonl(records))).toEqual(records);
    const bad = JSON.stringify({ ...records[0], kind: 'other' });
    expect(() => parseTaskJsonl(`${toTaskJsonl(records)}${bad}\n`, 'x.jsonl')).toThrow('x.jsonl line 3: field "kind"');
    expect(() => parseTaskJsonl('[1]')).toThrow('not a JSON object');
  });
});
