import { describe, expect, it } from 'vitest';
import { legEnergyWh } from './instance.ts';
import { ascent, flightAscent, groundProfile, legMatrices, straightMetres } from './terrain.ts';
import { songyangDem } from '../atlas/index.ts';

describe('terrain', () => {
  it('a drone climbs only as the ground forces it, and never above the ceiling', () => {
    // A ridge 200 m high between two valleys, then a dip.
    const ground = [0, 50, 100, 150, 200, 150, 100, 120, 0];
    const s = { clearanceM: 30, ceilingM: 120 };
    // Take off at 0, climb to 230 over the ridge, stay level while the ceiling allows, land.
    expect(flightAscent(ground, s)).toBe(230);
    expect(ascent(ground)).toBe(220);
    // Over a deep valley the ceiling pulls it down to 120 m above the floor, so it climbs 210 m out again.
    const valley = [0, 0, -300, -300, 0];
    expect(flightAscent(valley, s)).toBe(30 + 210);
  });

  it('measures real legs on the county’s elevation model: roads longer than the straight line, climbing and carrying cost energy', () => {
    const seat = { lon: 119.482, lat: 28.449 };
    const hill = { lon: 119.4, lat: 28.55 };
    const grid = songyangDem();
    const profile = groundProfile(grid, seat, hill, 150);
    expect(profile.length).toBeGreaterThan(50);
    const m = legMatrices([seat, hill]);
    expect(m.air[0][1]).toBeCloseTo(straightMetres(seat, hill), 6);
    expect(m.road[0][1]).toBeGreaterThan(1.6 * m.air[0][1]);
    expect(m.climb[0][1]).toBeGreaterThan(0);
    // Climbing and carrying both cost energy.
    const drone = { whPerKm: 25, whPerKmKg: 3, massKg: 25 };
    const leg = legEnergyWh(drone, m.air[0][1], m.climb[0][1], 5);
    expect(leg).toBeGreaterThan(legEnergyWh(drone, m.air[0][1], 0, 5));
    expect(leg).toBeGreaterThan(legEnergyWh(drone, m.air[0][1], m.climb[0][1], 0));
  });
});
