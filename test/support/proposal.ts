/** A proposal that passes the default heritage rules: 黄家大院 into a village museum. */
export function proposalBody(villageId: string, over: Record<string, unknown> = {}) {
  return {
    villageId,
    title: '黄家大院修缮为村史馆',
    type: 'reuse_museum',
    description: '修缮百年夯土老屋，改作村史馆。',
    buildings: [{ name: '黄家大院', protectionLevel: 'county', heightM: 8.5, volumeM3: 1800 }],
    changes: { demolishesProtectedElements: false, heightChangeM: 0, volumeChangePct: 0, materials: ['rammed_earth', 'timber'] },
    conservationPlanUrl: 'https://example.org/plans/huang.pdf',
    costFen: 120_000_000,
    funding: { county: 60_000_000, provincial: 40_000_000, village: 20_000_000, private: 0 },
    durationMonths: 10,
    outcomes: { jobs: 4, returningResidents: 2, visitorsPerYear: 6000, incomeFen: 30_000_000, culturalValue: 9, ecologicalEffect: 2 },
    risks: '雨季施工',
    ...over,
  };
}
