// The game's rule tables the client needs for its menus (from `startales rules`,
// docs/game-rules.md). The server checks every command; these only label and pre-filter.

export const BUILDINGS = [
  { name: 'farm', credits: 60, minerals: 40, work: 20, output: '+25 food, -3 energy', deposit: 'food' },
  { name: 'mine', credits: 60, minerals: 30, work: 20, output: '+30 minerals, -5 energy', deposit: 'minerals' },
  { name: 'power plant', credits: 80, minerals: 60, work: 25, output: '+40 energy', deposit: 'energy' },
  { name: 'factory', credits: 120, minerals: 100, work: 35, output: '+20 credits, -6 minerals, -10 energy' },
  { name: 'research lab', credits: 150, minerals: 80, work: 40, output: '+10 research, -10 credits, -15 energy' },
  { name: 'habitat', credits: 100, minerals: 120, work: 40, output: '+15 housing, -8 energy, -12 food' },
  { name: 'shipyard', credits: 200, minerals: 150, work: 60, output: 'builds ships' },
  { name: 'trade hub', credits: 250, minerals: 100, work: 50, output: '+10 credits, trade capacity', tech: 'Interstellar Commerce' },
  { name: 'defense platform', credits: 150, minerals: 200, work: 50, output: 'planet defense', tech: 'Orbital Defense' },
  { name: 'fusion reactor', credits: 300, minerals: 250, work: 80, output: '+110 energy', tech: 'Fusion Power' },
  { name: 'exotics extractor', credits: 250, minerals: 200, work: 70, output: '+4 exotics, -20 energy', deposit: 'exotics', tech: 'Exotic Matter' },
];

export const SHIPS = [
  { name: 'scout', credits: 80, minerals: 30 },
  { name: 'colony ship', credits: 300, minerals: 100 },
  { name: 'freighter', credits: 150, minerals: 60, tech: 'Interstellar Commerce' },
  { name: 'corvette', credits: 120, minerals: 80 },
  { name: 'frigate', credits: 250, minerals: 180, tech: 'Frigate Design' },
  { name: 'cruiser', credits: 600, minerals: 400, tech: 'Cruiser Design' },
];

export const TECHS = [
  ['Hydroponics', 'economy', 3600, [], '+20% food'],
  ['Deep Mining', 'economy', 4500, [], '+20% minerals'],
  ['Interstellar Commerce', 'economy', 6000, [], 'trade hub, freighter, +25% trade capacity'],
  ['Fusion Power', 'economy', 9000, ['Deep Mining'], 'fusion reactor, +10% energy'],
  ['Automated Factories', 'economy', 10500, ['Deep Mining'], '+20% credits'],
  ['Exotic Matter', 'economy', 15000, ['Fusion Power'], 'exotics extractor, +25% exotics'],
  ['Galactic Banking', 'economy', 18000, ['Interstellar Commerce', 'Automated Factories'], '+20% taxes'],
  ['Orbital Defense', 'military', 4500, [], 'defense platform'],
  ['Frigate Design', 'military', 7500, [], 'frigate'],
  ['Improved Drives', 'military', 6000, [], '+25% ship speed'],
  ['Composite Armor', 'military', 10500, ['Frigate Design'], '+25% ship defense'],
  ['Laser Weapons', 'military', 10500, ['Frigate Design'], '+25% ship attack'],
  ['Cruiser Design', 'military', 21000, ['Composite Armor', 'Laser Weapons'], 'cruiser'],
  ['Planetary Shields', 'military', 15000, ['Orbital Defense'], '+50% planet defense'],
  ['Xenobiology', 'science', 4500, [], '+10% housing'],
  ['Advanced Sensors', 'science', 6000, [], 'see one more lane'],
  ['Quantum Computing', 'science', 12000, [], '+25% research'],
  ['Terraforming', 'science', 18000, ['Xenobiology'], 'colonize from 10% habitability'],
  ['Subspace Theory', 'science', 21000, ['Quantum Computing'], '+25% ship speed'],
  ['Artificial Intelligence', 'science', 27000, ['Quantum Computing'], '+25% construction speed'],
  ['Stellar Cartography', 'science', 7500, ['Advanced Sensors'], 'see one more lane'],
  ['Civic Education', 'society', 3600, [], '-20% unrest'],
  ['Genetic Medicine', 'society', 7500, [], '+25% population growth'],
  ['Arcologies', 'society', 12000, ['Xenobiology'], '+25% housing'],
  ['Diplomatic Corps', 'society', 6000, [], '+50% influence'],
  ['Propaganda Networks', 'society', 9000, ['Civic Education'], '-20% unrest'],
  ['Colonial Administration', 'society', 10500, [], 'colony ships cost 25% less'],
  ['Unified Culture', 'society', 30000, ['Diplomatic Corps', 'Propaganda Networks'], '-20% unrest, +50% influence'],
].map(([name, field, cost, requires, effect], index) => ({ index, name, field, cost, requires, effect }));

export const TREATIES = ['peace', 'trade pact', 'alliance'];
