import type { Db } from './db/types.js';
import { modules } from './modules.js';
import { upsertPlace } from './places/place-service.js';

// The demo place's own mark: neighbours around a shared table. Community-branded, not council-branded.
const TRAFFORD_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="19" fill="#fff"/><circle cx="20" cy="20" r="7" fill="#00625e"/><g fill="#00625e"><circle cx="20" cy="6.5" r="3.5"/><circle cx="31.7" cy="13.3" r="3.5"/><circle cx="31.7" cy="26.7" r="3.5"/><circle cx="20" cy="33.5" r="3.5"/><circle cx="8.3" cy="26.7" r="3.5"/><circle cx="8.3" cy="13.3" r="3.5"/></g></svg>`;

/** Creates (or refreshes) the demo place Trafford and every module's demo data for it. */
export async function seedDemo(db: Db, log: (message: string) => void = () => {}): Promise<void> {
  const place = await upsertPlace(db, {
    slug: 'trafford',
    name: 'Trafford Together',
    councilName: 'Trafford Council',
    nation: 'england',
    brandColour: '#00625e',
    logoSvg: TRAFFORD_LOGO,
    tagline: 'Neighbours, groups and the council, side by side',
    contactEmail: 'hello@trafford-together.example',
    languages: ['en', 'cy'],
    modules: modules.map((m) => m.name),
  });
  log(`place: ${place.name} (/${place.slug}/)`);
  // Wards first: everything else that is located is placed in a ward as it is seeded.
  const ordered = [...modules].sort((a, b) => Number(b.name === 'wards') - Number(a.name === 'wards'));
  for (const m of ordered) {
    await m.seed?.({ db, place, log });
  }
}
