import { z } from 'zod';
import { choiceList, optionalText } from '../../../platform/http/form-fields.js';
import { CATEGORIES, type Category, isCategory } from '../categories.js';
import { KITH_TAXONOMY_ID, kithTermCode, kithTermId, uuidV5 } from './oruk-ids.js';
import {
  daysOf,
  email,
  isObject,
  type Json,
  timeOfDay,
  uri,
  WEEKDAYS,
  type Weekday,
} from './oruk-normalise.js';
import { kithTerm } from './oruk-taxonomy.js';

/**
 * The officers' form for a service: the fields people need, mapped onto the ORUK object.
 * A service from a feed can hold more (several locations, schedules, contacts); the form
 * edits the first of each and leaves the rest as they are.
 */

const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i;
const PHONE = /^[0-9 +()-]{6,25}$/;
const HHMM = /^([01]?\d|2[0-3])[:.]?([0-5]\d)$/;

const age = z
  .string()
  .trim()
  .default('')
  .refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) <= 120), 'directory.oruk.errors.ageInvalid')
  .transform((v) => (v === '' ? null : Number(v)));
const coordinate = (limit: number) =>
  z
    .string()
    .trim()
    .default('')
    .refine(
      (v) => v === '' || (/^-?\d{1,3}(\.\d+)?$/.test(v) && Math.abs(Number(v)) <= limit),
      'directory.oruk.errors.coordinateInvalid',
    )
    .transform((v) => (v === '' ? null : Number(v)));

/** Field order is page order, so the error summary lists problems as people meet them. */
export const ServiceForm = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'directory.oruk.errors.nameMissing')
      .max(200, 'directory.oruk.errors.nameTooLong'),
    organization: z
      .string()
      .trim()
      .min(1, 'directory.oruk.errors.organizationMissing')
      .max(200, 'directory.oruk.errors.organizationTooLong'),
    description: z
      .string()
      .trim()
      .min(1, 'directory.oruk.errors.descriptionMissing')
      .max(5000, 'directory.oruk.errors.descriptionTooLong'),
    categories: choiceList(CATEGORIES, 'directory.oruk.errors.categoryMissing').refine(
      (v) => v.length > 0,
      'directory.oruk.errors.categoryMissing',
    ),
    status: z.enum(['active', 'temporarily closed', 'inactive', 'defunct'], {
      message: 'directory.oruk.errors.statusMissing',
    }),
    url: optionalText(500, 'directory.oruk.errors.urlInvalid').refine(
      (v) => v === '' || uri(v) !== undefined,
      'directory.oruk.errors.urlInvalid',
    ),
    email: optionalText(254, 'directory.oruk.errors.emailInvalid').refine(
      (v) => v === '' || email(v) !== undefined,
      'directory.oruk.errors.emailInvalid',
    ),
    phone: optionalText(25, 'directory.oruk.errors.phoneInvalid').refine(
      (v) => v === '' || PHONE.test(v),
      'directory.oruk.errors.phoneInvalid',
    ),
    address: optionalText(300, 'directory.oruk.errors.addressTooLong'),
    town: optionalText(100, 'directory.oruk.errors.townTooLong'),
    postcode: optionalText(10, 'directory.oruk.errors.postcodeInvalid').refine(
      (v) => v === '' || POSTCODE.test(v),
      'directory.oruk.errors.postcodeInvalid',
    ),
    latitude: coordinate(90),
    longitude: coordinate(180),
    days: choiceList(WEEKDAYS, 'directory.oruk.errors.dayInvalid'),
    opens_at: optionalText(8, 'directory.oruk.errors.timeInvalid').refine(
      (v) => v === '' || HHMM.test(v),
      'directory.oruk.errors.timeInvalid',
    ),
    closes_at: optionalText(8, 'directory.oruk.errors.timeInvalid').refine(
      (v) => v === '' || HHMM.test(v),
      'directory.oruk.errors.timeInvalid',
    ),
    minimum_age: age,
    maximum_age: age,
    cost: z.enum(['', 'free', 'paid']).default(''),
    cost_description: optionalText(300, 'directory.oruk.errors.costTooLong'),
  })
  .superRefine((v, ctx) => {
    if ((v.latitude === null) !== (v.longitude === null)) {
      ctx.addIssue({ code: 'custom', path: ['latitude'], message: 'directory.oruk.errors.coordinatesBoth' });
    }
    if (v.address === '' && v.postcode !== '') {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'directory.oruk.errors.addressMissing' });
    }
    if ((v.opens_at === '') !== (v.closes_at === '')) {
      ctx.addIssue({ code: 'custom', path: ['opens_at'], message: 'directory.oruk.errors.timesBoth' });
    } else if (v.opens_at !== '' && hhmmss(v.closes_at) <= hhmmss(v.opens_at)) {
      ctx.addIssue({
        code: 'custom',
        path: ['closes_at'],
        message: 'directory.oruk.errors.closesBeforeOpens',
      });
    }
    if (v.opens_at !== '' && v.days.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'directory.oruk.errors.daysMissing' });
    }
    if (v.minimum_age !== null && v.maximum_age !== null && v.maximum_age < v.minimum_age) {
      ctx.addIssue({ code: 'custom', path: ['maximum_age'], message: 'directory.oruk.errors.agesOrder' });
    }
  });

export type ServiceInput = z.infer<typeof ServiceForm>;
export type ServiceFormValues = Record<string, string>;

function normalisedShown(field: string, value: string): string {
  if (field === 'days' || field === 'categories') return value.split(',').filter(Boolean).sort().join(',');
  if (field === 'postcode') return value.toUpperCase();
  return value;
}

/** A parsed form value as the form would show it, to tell whether it was changed. */
function formValue(input: ServiceInput, field: keyof ServiceInput): string {
  const v = input[field];
  if (Array.isArray(v)) return [...(v as string[])].sort().join(',');
  if (field === 'opens_at' || field === 'closes_at') return v ? hhmmss(String(v)).slice(0, 5) : '';
  if (field === 'postcode') return String(v).toUpperCase();
  return v === null || v === undefined ? '' : String(v);
}

function hhmmss(v: string): string {
  const m = HHMM.exec(v);
  return m ? `${m[1]?.padStart(2, '0')}:${m[2]}:00` : '';
}

/** Multi-choice fields arrive as arrays (several checkboxes): the form sees them comma-joined. */
export function flattenFormBody(body: unknown): unknown {
  if (!isObject(body)) return body;
  const out: Json = { ...body };
  for (const key of ['categories', 'days']) {
    const v = out[key];
    if (Array.isArray(v)) out[key] = v.filter((x) => typeof x === 'string').join(',');
  }
  return out;
}

const asList = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The form's values for an existing service (the first location, schedule, phone…). */
export function formValuesFor(service: Json): ServiceFormValues {
  const sal = asList(service.service_at_locations)[0];
  const location = sal && isObject(sal.location) ? sal.location : null;
  const address = location ? asList(location.addresses)[0] : undefined;
  const schedule = asList(service.schedules)[0];
  const phone = asList(service.contacts)
    .flatMap((c) => asList(c.phones))
    .find((p) => typeof p.number === 'string');
  const costs = asList(service.cost_options);
  const categories = asList(service.attributes)
    .map((a) => kithTermCode(String(a.taxonomy_term_id)))
    .filter((c): c is Category => c !== null);
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return {
    name: str(service.name),
    organization: isObject(service.organization) ? str(service.organization.name) : '',
    description: str(service.description),
    categories: categories.join(','),
    status: str(service.status) || 'active',
    url: str(service.url),
    email: str(service.email),
    phone: str(phone?.number),
    address: str(address?.address_1),
    town: str(address?.city),
    postcode: str(address?.postal_code),
    latitude: str(location?.latitude),
    longitude: str(location?.longitude),
    days: daysOf(schedule?.byday as string | undefined).join(','),
    opens_at: str(schedule?.opens_at).slice(0, 5),
    closes_at: str(schedule?.closes_at).slice(0, 5),
    minimum_age: str(service.minimum_age),
    maximum_age: str(service.maximum_age),
    cost: costs.length === 0 ? '' : costs.some((c) => c.amount === 0) ? 'free' : 'paid',
    cost_description: str(costs[0]?.amount_description),
  };
}

/**
 * The service object after applying the form to `base` (an empty object for a new service).
 * Fields the form does not show are kept; so are locations, schedules and contacts after
 * the first, and taxonomy terms from other taxonomies.
 */
export function applyForm(
  base: Json,
  input: ServiceInput,
  ids: { serviceId: string; organizationId: string; organizationDescription: string },
): Json {
  const id = ids.serviceId;
  const derived = (kind: string) => uuidV5(`${id}|form|${kind}`);
  // A part of the form left as it was shown leaves that part of the record exactly as it was:
  // a monthly schedule or a second address is not flattened by an edit of the name.
  const shown = formValuesFor(base);
  const same = (...fields: (keyof ServiceInput & string)[]) =>
    fields.every((f) => formValue(input, f) === normalisedShown(f, shown[f] ?? ''));
  const out: Json = { ...base, id, organization_id: ids.organizationId, name: input.name };
  out.description = input.description;
  out.status = input.status;
  for (const [key, value] of [
    ['url', input.url === '' ? undefined : uri(input.url)],
    ['email', input.email === '' ? undefined : input.email],
    ['minimum_age', input.minimum_age ?? undefined],
    ['maximum_age', input.maximum_age ?? undefined],
  ] as const) {
    if (same(key)) continue;
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  out.organization = {
    ...(isObject(base.organization) && base.organization.id === ids.organizationId ? base.organization : {}),
    id: ids.organizationId,
    name: input.organization,
    description: ids.organizationDescription,
  };

  const schedules = asList(base.schedules);
  const first = schedules[0];
  const rest = schedules.slice(1);
  if (same('days', 'opens_at', 'closes_at')) {
    // Unchanged.
  } else if (input.days.length) {
    const schedule: Json = {
      ...(first ?? {}),
      id: (first?.id as string | undefined) ?? derived('schedule'),
      service_id: id,
      freq: (first?.freq as string | undefined) ?? 'WEEKLY',
      byday: WEEKDAYS.filter((d) => input.days.includes(d as Weekday)).join(','),
    };
    if (input.opens_at) {
      schedule.opens_at = timeOfDay(hhmmss(input.opens_at));
      schedule.closes_at = timeOfDay(hhmmss(input.closes_at));
    } else {
      delete schedule.opens_at;
      delete schedule.closes_at;
    }
    out.schedules = [schedule, ...rest];
  } else if (rest.length) out.schedules = rest;
  else delete out.schedules;

  const sals = asList(base.service_at_locations);
  const firstSal = sals[0];
  const located = input.address !== '' || input.latitude !== null;
  if (same('address', 'town', 'postcode', 'latitude', 'longitude')) {
    // Unchanged.
  } else if (located) {
    const oldLocation = firstSal && isObject(firstSal.location) ? firstSal.location : {};
    const locationId = (firstSal?.location_id as string | undefined) ?? derived('location');
    const oldAddress = asList(oldLocation.addresses)[0] ?? {};
    const location: Json = {
      ...oldLocation,
      id: locationId,
      location_type: oldLocation.location_type ?? 'physical',
    };
    if (input.latitude !== null && input.longitude !== null) {
      location.latitude = input.latitude;
      location.longitude = input.longitude;
    } else {
      delete location.latitude;
      delete location.longitude;
    }
    if (input.address !== '') {
      location.name ??= input.address.split(',')[0];
      location.addresses = [
        {
          ...oldAddress,
          id: (oldAddress.id as string | undefined) ?? derived('address'),
          location_id: locationId,
          address_1: input.address,
          city: input.town,
          state_province: (oldAddress.state_province as string | undefined) ?? '',
          postal_code: input.postcode.toUpperCase(),
          country: (oldAddress.country as string | undefined) ?? 'GB',
          address_type: (oldAddress.address_type as string | undefined) ?? 'physical',
        },
        ...asList(oldLocation.addresses).slice(1),
      ];
    } else delete location.addresses;
    out.service_at_locations = [
      {
        ...(firstSal ?? {}),
        id: (firstSal?.id as string | undefined) ?? derived('service-at-location'),
        service_id: id,
        location_id: locationId,
        location,
      },
      ...sals.slice(1),
    ];
  } else if (sals.length > 1) out.service_at_locations = sals.slice(1);
  else delete out.service_at_locations;

  const contacts = asList(base.contacts);
  const firstContact = contacts[0];
  if (same('phone')) {
    // Unchanged.
  } else if (input.phone !== '') {
    const contactId = (firstContact?.id as string | undefined) ?? derived('contact');
    const phones = asList(firstContact?.phones);
    out.contacts = [
      {
        ...(firstContact ?? { title: 'General enquiries' }),
        id: contactId,
        service_id: id,
        phones: [
          {
            ...(phones[0] ?? {}),
            id: (phones[0]?.id as string | undefined) ?? derived('phone'),
            contact_id: contactId,
            number: input.phone,
          },
          ...phones.slice(1),
        ],
      },
      ...contacts.slice(1),
    ];
  } else if (firstContact) {
    const { phones: _dropped, ...contact } = firstContact;
    out.contacts = [contact, ...contacts.slice(1)];
  }

  if (same('cost', 'cost_description')) {
    // Unchanged.
  } else if (input.cost === 'free')
    out.cost_options = [{ id: derived('cost-free'), service_id: id, option: 'Free', amount: 0 }];
  else if (input.cost === 'paid') {
    out.cost_options = [
      {
        id: derived('cost-paid'),
        service_id: id,
        option: 'Charge',
        ...(input.cost_description ? { amount_description: input.cost_description } : {}),
      },
    ];
  }

  const others = asList(base.attributes).filter((a) => kithTermCode(String(a.taxonomy_term_id)) === null);
  if (!same('categories'))
    out.attributes = [
      ...input.categories.filter(isCategory).map((code) => ({
        id: uuidV5(`${id}|category|${code}`),
        link_id: id,
        taxonomy_term_id: kithTermId(code),
        link_type: 'service',
        taxonomy_term: { ...kithTerm(code), taxonomy_id: KITH_TAXONOMY_ID },
      })),
      ...others,
    ];
  out.last_modified = new Date().toISOString();
  return out;
}
