/**
 * Emergency numbers by country (spec §2: the account's country drives emergency numbers; §9: they
 * are always allowed, never blocked, never forwarded away). Pure data.
 *
 * libphonenumber-js ships no short-number metadata, so the table is kept here, from the national
 * emergency numbers (and libphonenumber's ShortNumberMetadata where it lists them). A number matches
 * only exactly as dialled (`112`, not `112#` or `+49112`).
 *
 * | country | numbers | notes |
 * |---|---|---|
 * | every EU member (AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK) | 112 | the single European emergency number |
 * | AT | 122 133 144 | fire, police, ambulance |
 * | BE | 100 101 | ambulance/fire, police |
 * | CZ | 150 155 158 | fire, ambulance, police |
 * | DE | 110 | police (112: fire and ambulance) |
 * | ES | 091 062 | national police, Guardia Civil |
 * | FR | 15 17 18 114 115 119 191 196 197 | SAMU, police, fire, deaf/hard-of-hearing (SMS/relay), social emergency, child abuse, aeronautical, maritime rescue, terror alert |
 * | IE | 999 | as 112 |
 * | IT | 113 115 118 | police, fire, ambulance |
 * | PL | 997 998 999 | police, fire, ambulance |
 * | GB | 999 112 | |
 * | CH, LI | 112 117 118 144 | police, fire, ambulance |
 * | NO | 110 112 113 | fire, police, ambulance |
 * | IS | 112 | |
 * | US, CA, MX | 911 | (933, the E911 address-readback test of some carriers, is NOT an emergency number and is not here) |
 * | AU | 000 112 106 | 106: text relay |
 * | NZ | 111 | |
 * | JP | 110 118 119 | police, coast guard, fire/ambulance |
 * | IN | 112 100 101 102 | |
 * | BR | 190 192 193 | police, ambulance, fire |
 * | any other country | 112 | the GSM emergency number every mobile network routes; documented fallback |
 *
 * The account's country decides, not a site's location (sites carry no country in this version).
 */

const EU = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'] as const;

const NATIONAL: Record<string, readonly string[]> = {
  AT: ['122', '133', '144'],
  BE: ['100', '101'],
  CZ: ['150', '155', '158'],
  DE: ['110'],
  ES: ['091', '062'],
  FR: ['15', '17', '18', '114', '115', '119', '191', '196', '197'],
  IE: ['999'],
  IT: ['113', '115', '118'],
  PL: ['997', '998', '999'],
  GB: ['999', '112'],
  CH: ['112', '117', '118', '144'],
  LI: ['112', '117', '118', '144'],
  NO: ['110', '112', '113'],
  IS: ['112'],
  US: ['911'],
  CA: ['911'],
  MX: ['911'],
  AU: ['000', '112', '106'],
  NZ: ['111'],
  JP: ['110', '118', '119'],
  IN: ['112', '100', '101', '102'],
  BR: ['190', '192', '193'],
};

/** Used for a country the table does not list. */
export const FALLBACK_EMERGENCY: readonly string[] = ['112'];

/** Country → its emergency numbers (sorted, no duplicates), built once from the table above. */
export const EMERGENCY_NUMBERS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, Set<string>>();
  const add = (c: string, nums: readonly string[]) => {
    const s = m.get(c) ?? new Set<string>();
    for (const n of nums) s.add(n);
    m.set(c, s);
  };
  for (const c of EU) add(c, ['112']);
  for (const [c, nums] of Object.entries(NATIONAL)) add(c, nums);
  return new Map([...m].map(([c, s]) => [c, Object.freeze([...s].sort())]));
})();

/** The emergency numbers of `country` (ISO 3166 alpha-2), or the fallback. */
export function emergencyNumbers(country: string): readonly string[] {
  return EMERGENCY_NUMBERS.get(country.toUpperCase()) ?? FALLBACK_EMERGENCY;
}

/** Whether `dialled` is exactly an emergency number of `country`. */
export function isEmergency(country: string, dialled: string): boolean {
  return emergencyNumbers(country).includes(dialled);
}
