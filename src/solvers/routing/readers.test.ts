import { describe, expect, it } from 'vitest';
import { InstanceFormatError } from './errors.ts';
import { readSolomon } from './solomon.ts';
import { fixture } from './testSupport.ts';
import { readVrplib } from './vrplib.ts';

describe('readVrplib', () => {
  it('reads A-n32-k5: depot node 1 first, 31 stops labelled as in .sol files, nearest-integer distances', () => {
    const inst = readVrplib(fixture('cvrp/A-n32-k5.vrp'), 'A-n32-k5.vrp');
    expect(inst.name).toBe('A-n32-k5');
    expect(inst.depots).toEqual([{ x: 82, y: 76, open: undefined, close: undefined }]);
    expect(inst.stops).toHaveLength(31);
    expect(inst.stops[0]).toMatchObject({ x: 96, y: 44, demand: 19, label: 1 });
    expect(inst.vehicleTypes).toEqual([{ capacity: 100, count: undefined, maxDistance: undefined }]);
    expect(inst.metric).toEqual({ kind: 'euclidean', rounding: 'nearest' });
  });

  it('tolerates tabs, CRLF line ends and trailing whitespace as in the X instances', () => {
    const text = [
      'NAME : \tX-tiny\t',
      'TYPE : \tCVRP\t',
      'DIMENSION : \t3\t',
      'EDGE_WEIGHT_TYPE : \tEUC_2D\t',
      'CAPACITY : \t10\t',
      'NODE_COORD_SECTION\t\t',
      '1\t0\t0',
      '2\t3\t4  ',
      '3\t6\t8',
      'DEMAND_SECTION\t',
      '1\t0',
      '2\t5',
      '3\t7',
      'DEPOT_SECTION',
      '\t1\t',
      '\t-1\t',
      'EOF',
    ].join('\r\n');
    const inst = readVrplib(text);
    expect(inst.name).toBe('X-tiny');
    expect(inst.stops.map((s) => s.demand)).toEqual([5, 7]);
    expect(inst.vehicleTypes[0].capacity).toBe(10);
  });

  it('reads an explicit lower-row matrix and renumbers around a depot that is not node 1', () => {
    const text = `NAME : m\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\nCAPACITY : 5\nEDGE_WEIGHT_SECTION\n4\n6 9\nDEMAND_SECTION\n1 1\n2 0\n3 1\nDEPOT_SECTION\n2\n-1\nEOF\n`;
    const inst = readVrplib(text);
    expect(inst.metric).toEqual({ kind: 'matrix', distance: [[0, 4, 9], [4, 0, 6], [9, 6, 0]] });
    expect(inst.stops.map((s) => s.label)).toEqual([0, 2]);
  });

  it('names the line of a malformed coordinate', () => {
    const text = fixture('cvrp/A-n32-k5.vrp').replace(' 3 50 5', ' 3 50 five');
    expect(() => readVrplib(text, 'bad.vrp')).toThrow(InstanceFormatError);
    expect(() => readVrplib(text, 'bad.vrp')).toThrow(/^bad\.vrp:10: "five" is not a number/);
  });

  it('names the line of a stray line and of a short row', () => {
    expect(() => readVrplib('NAME : a\nDIMENSION : 2\nhello world\n', 'a.vrp')).toThrow(/a\.vrp:3: unexpected line/);
    expect(() => readVrplib('NAME : a\nDIMENSION : 2\nNODE_COORD_SECTION\n1 0 0\n2 5\n', 'a.vrp')).toThrow(/a\.vrp:5: expected 3 numbers/);
  });

  it('rejects a non-numeric header and a node without coordinates', () => {
    expect(() => readVrplib('NAME : a\nDIMENSION : many\n', 'a.vrp')).toThrow(/a\.vrp:2: DIMENSION is "many"/);
    expect(() => readVrplib('DIMENSION : 2\nNODE_COORD_SECTION\n1 0 0\nEOF\n', 'a.vrp')).toThrow(/node 2 has no coordinates/);
  });
});

describe('readSolomon', () => {
  it('reads C101: 25 vehicles of capacity 200, the depot window, truncated-decimal distances', () => {
    const inst = readSolomon(fixture('vrptw/C101.txt'), 'C101.txt');
    expect(inst.name).toBe('C101');
    expect(inst.vehicleTypes).toEqual([{ count: 25, capacity: 200 }]);
    expect(inst.depots).toEqual([{ x: 40, y: 50, open: 0, close: 1236 }]);
    expect(inst.stops).toHaveLength(100);
    expect(inst.stops[0]).toEqual({ x: 45, y: 68, demand: 10, early: 912, late: 967, service: 90, label: 1 });
    expect(inst.metric).toEqual({ kind: 'euclidean', rounding: 'decimal1' });
  });

  it('names the line of a row with a missing value or a bad number', () => {
    const lines = fixture('vrptw/C101.txt').split(/\r?\n/);
    const short = [...lines];
    short[11] = '    2      45         70         30        825        870';
    expect(() => readSolomon(short.join('\n'), 'C101.txt')).toThrow(/^C101\.txt:12: expected 7 values/);
    const bad = [...lines];
    bad[12] = '    3      42         66         1O         65        146         90';
    expect(() => readSolomon(bad.join('\n'), 'C101.txt')).toThrow(/^C101\.txt:13: "1O" is not a number/);
  });

  it('rejects a file without vehicles', () => {
    expect(() => readSolomon('NAME\n\nCUSTOMER\n0 0 0 0 0 100 0\n', 'x.txt')).toThrow(/x\.txt:\d+: missing VEHICLE block/);
  });
});
