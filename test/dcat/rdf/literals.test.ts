import { describe, expect, it } from 'vitest';
import { decimal } from '../../../src/dcat/rdf/literals.js';

/** xsd:decimal's lexical space: an optional sign, digits and an optional fraction; no exponent. */
const XSD_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

describe('decimal', () => {
  it('writes every finite number in xsd:decimal lexical form, exactly, without an exponent', () => {
    const cases: [number, string][] = [
      [30, '30'],
      [30.5, '30.5'],
      [-2.25, '-2.25'],
      [1e21, '1000000000000000000000'],
      [1.5e22, '15000000000000000000000'],
      [-1.7976931348623157e308, `-17976931348623157${'0'.repeat(292)}`],
      [1.5e-7, '0.00000015'],
      [5e-324, `0.${'0'.repeat(323)}5`],
      [-0, '0'],
    ];
    for (const [value, lexical] of cases) {
      const literal = decimal(value)!;
      expect(literal.value, String(value)).toBe(lexical);
      expect(literal.value).toMatch(XSD_DECIMAL);
      expect(Number(literal.value)).toBe(value === 0 ? 0 : value);
      expect(literal.datatype.value).toBe('http://www.w3.org/2001/XMLSchema#decimal');
    }
  });

  it('writes nothing for what is not a finite number', () => {
    for (const value of [NaN, Infinity, -Infinity, null, undefined]) expect(decimal(value)).toBeNull();
  });
});
