import { describe, expect, it } from 'vitest';
import { pinChange, pinKey, pinResultKey } from './pins.ts';

describe('pins', () => {
  it('keys a pin by its site and a result by commit and pin', () => {
    expect(pinKey({ path: 'tests/test_units.py', line: 12, column: 20 })).toBe('tests/test_units.py:12:20');
    expect(pinResultKey('abc', 'tests/t.py:1:2')).toBe('abc|tests/t.py:1:2');
  });

  it('says whether a completion changed since the previous step once both are done', () => {
    const done = (text: string) => ({ status: 'done', text });
    expect(pinChange(done('Meter'), done('Metre'))).toBe('changed');
    expect(pinChange(done('Meter'), done('Meter'))).toBe('same');
    expect(pinChange(done('Meter'), undefined)).toBeNull();
    expect(pinChange({ status: 'running', text: 'Me' }, done('Meter'))).toBeNull();
  });
});
