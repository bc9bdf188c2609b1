import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { ServiceQualityRecord } from '../quality/quality-service.js';

/**
 * Services as the data-quality checks see them: the service's own email and website, its
 * first contact's phone and its first location. Defunct services are no longer checked.
 */
export async function serviceQualityRecords(ctx: ServiceContext): Promise<ServiceQualityRecord[]> {
  const rows = await ctx.db.query<{
    id: string;
    name: string;
    source: string;
    last_confirmed_at: Date;
    email: string | null;
    website: string | null;
    phone: string | null;
    address: string | null;
    postcode: string | null;
    lon: number | null;
    lat: number | null;
    ward_code: string | null;
  }>(
    `select s.id, s.name, s.source, s.last_confirmed_at, s.data->>'email' as email, s.data->>'url' as website,
       (select c.data->'phones'->0->>'number' from oruk_contacts c
          where c.place_id = s.place_id and c.service_id = s.id order by c.position limit 1) as phone,
       l.data->'addresses'->0->>'address_1' as address, l.postcode, l.lon, l.lat, l.ward_code
     from oruk_services s
     left join lateral (
       select loc.* from oruk_service_at_locations sal
       join oruk_locations loc on loc.place_id = sal.place_id and loc.id = sal.location_id
       where sal.place_id = s.place_id and sal.service_id = s.id order by sal.position limit 1
     ) l on true
     where s.place_id = $1 and s.status <> 'defunct' order by s.id`,
    [ctx.place.id],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: 'service',
    name: r.name,
    address: r.address,
    postcode: r.postcode,
    phone: r.phone,
    email: r.email,
    website: r.website,
    lon: r.lon,
    lat: r.lat,
    wardCode: r.ward_code,
    url: `/${ctx.place.slug}/services/${r.id}`,
    source: r.source,
    lastConfirmedAt: new Date(r.last_confirmed_at),
    mayBeOutOfDate: false,
  }));
}
