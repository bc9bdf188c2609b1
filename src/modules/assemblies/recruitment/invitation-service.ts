import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { DRAW_RULE, drawInvitations, normaliseSeed } from '../../../lib/sortition/invitation-draw.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Conflict, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { type Assembly, getAssembly } from '../setup/assembly-service.js';
import { addressListOf, assignedOfficer, beforeSelection } from './address-service.js';
import { newInvitationCode } from './invitation-codes.js';

/**
 * The invitation draw: which addresses on the list get a letter, chosen by the published rule
 * of src/lib/sortition/invitation-draw.ts with a seed everyone can see, then one registration
 * code per letter. One draw per assembly.
 */

const E = 'assemblies.recruitment.draw.errors';

export const MAX_INVITATIONS = 50_000;

export const DrawInput = z.object({
  count: z.coerce
    .number({ error: `${E}.countNumber` })
    .int({ error: `${E}.countNumber` })
    .min(1, { error: `${E}.countNumber` })
    .max(MAX_INVITATIONS, { error: `${E}.countTooMany` }),
  seed: z
    .string({ error: `${E}.seedMissing` })
    .transform(normaliseSeed)
    .pipe(
      z
        .string()
        .min(1, { error: `${E}.seedMissing` })
        .max(100, { error: `${E}.seedTooLong` })
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters cannot be published
        .regex(/^[^\u0000-\u001f\u007f]+$/, { error: `${E}.seedCharacters` }),
    ),
});
export type DrawInput = z.infer<typeof DrawInput>;

/** What is published about the draw, for anyone to re-check it. */
export type PublishedDraw = {
  seed: string;
  rule: string;
  addresses: number;
  drawn: number;
  listFingerprint: string;
  syntheticList: boolean;
  drawnAt: Date;
  lettersSent: number;
  registered: number;
};

/** A seed Kith suggests: twelve random digits (a public source, such as dice rolled on camera, is better). */
export function suggestedSeed(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += String(randomInt(10));
  return `${s.slice(0, 4)} ${s.slice(4, 8)} ${s.slice(8)}`;
}

/** The draw of an assembly as published, or null before one is made. Public. */
export async function publishedDraw(
  ctx: ServiceContext,
  assembly: { id: string },
): Promise<PublishedDraw | null> {
  return drawOf(ctx.db, assembly.id);
}

async function drawOf(db: Db | Tx, assemblyId: string): Promise<PublishedDraw | null> {
  const rows = await db.query<{
    seed: string;
    rule: string;
    addresses: number;
    drawn: number;
    list_fingerprint: string;
    synthetic: boolean | null;
    drawn_at: Date;
    sent: number;
    registered: number;
  }>(
    `select d.seed, d.rule, d.addresses, d.drawn, d.list_fingerprint, l.synthetic, d.drawn_at,
       (select count(*)::int from assembly_invitations i where i.draw_id = d.id and i.letter_sent_at is not null) as sent,
       (select count(*)::int from assembly_respondents r join assembly_invitations i on i.id = r.invitation_id
         where i.draw_id = d.id) as registered
     from assembly_invitation_draws d left join assembly_address_lists l on l.assembly_id = d.assembly_id
     where d.assembly_id = $1`,
    [assemblyId],
  );
  const r = rows[0];
  return r
    ? {
        seed: r.seed,
        rule: r.rule,
        addresses: r.addresses,
        drawn: r.drawn,
        listFingerprint: r.list_fingerprint,
        syntheticList: r.synthetic ?? false,
        drawnAt: new Date(r.drawn_at),
        lettersSent: r.sent,
        registered: r.registered,
      }
    : null;
}

/**
 * Draws `count` addresses from the list with `seed`, makes their codes, and publishes the draw.
 * Refused (plainly) when there is no address list, or invitations have been drawn already.
 */
export async function drawAssemblyInvitations(
  ctx: ServiceContext,
  slug: string,
  raw: unknown,
): Promise<PublishedDraw> {
  const input = validated(DrawInput, raw);
  const assembly = await getAssembly(ctx, slug);
  const userId = await assignedOfficer(ctx, assembly);
  beforeSelection(assembly);
  return withTransaction(ctx.db, (tx) => makeDraw(ctx, tx, assembly, userId, input));
}

/** The draw itself, in the caller's transaction (the demo seed uses it too). */
export async function makeDraw(
  ctx: ServiceContext,
  tx: Tx,
  assembly: Assembly,
  userId: string | null,
  input: DrawInput,
): Promise<PublishedDraw> {
  await tx.query('select 1 from assemblies where id = $1 for update', [assembly.id]);
  if (await drawOf(tx, assembly.id)) throw new Conflict('assemblies.recruitment.draw.already');
  const list = await addressListOf(tx, assembly.id);
  if (!list || list.addresses === 0) throw new Conflict('assemblies.recruitment.draw.noList');
  if (input.count > list.addresses) throw new Invalid({ count: `${E}.countOverList` });
  const addresses = await tx.query<{
    address: string;
    postcode: string;
    uprn: string | null;
    ward_code: string | null;
    key: string;
  }>('select address, postcode, uprn, ward_code, key from assembly_addresses where assembly_id = $1', [
    assembly.id,
  ]);
  const drawn = drawInvitations(addresses, (a) => a.key, input.seed, input.count);
  const draw = await tx.query<{ id: string }>(
    `insert into assembly_invitation_draws (assembly_id, seed, rule, addresses, drawn, list_fingerprint, drawn_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [assembly.id, input.seed, DRAW_RULE, addresses.length, drawn.length, list.fingerprint, userId],
  );
  const drawId = draw[0]?.id as string;
  for (let i = 0; i < drawn.length; i += 1000) {
    let todo = drawn.slice(i, i + 1000);
    // A code already in use anywhere (about one in a few million per letter) is drawn again.
    while (todo.length) {
      const codes = todo.map(() => newInvitationCode());
      const done = await tx.query<{ rank: number }>(
        `insert into assembly_invitations (assembly_id, draw_id, rank, address, postcode, uprn, ward_code, household, code)
         select $1, $2, t.rank, t.address, t.postcode, t.uprn, t.ward_code, t.household, t.code
         from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           as t(rank, address, postcode, uprn, ward_code, household, code)
         on conflict (code) do nothing returning rank`,
        [
          assembly.id,
          drawId,
          todo.map((d) => d.rank),
          todo.map((d) => d.item.address),
          todo.map((d) => d.item.postcode),
          todo.map((d) => d.item.uprn),
          todo.map((d) => d.item.ward_code),
          todo.map((d) => d.key),
          codes,
        ],
      );
      const inserted = new Set(done.map((d) => d.rank));
      todo = todo.filter((d) => !inserted.has(d.rank));
    }
  }
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: userId,
    action: 'assemblies.invitations.draw',
    targetType: 'assembly',
    targetId: assembly.id,
    after: {
      seed: input.seed,
      rule: DRAW_RULE,
      addresses: addresses.length,
      drawn: drawn.length,
      listFingerprint: list.fingerprint,
    },
    requestId: ctx.requestId ?? null,
  });
  return (await drawOf(tx, assembly.id)) as PublishedDraw;
}

/** Records that the letters not yet marked were posted today. Returns how many. */
export async function markLettersSent(ctx: ServiceContext, slug: string): Promise<number> {
  const assembly = await getAssembly(ctx, slug);
  const userId = await assignedOfficer(ctx, assembly);
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query(
      `update assembly_invitations set letter_sent_at = now()
       where assembly_id = $1 and letter_sent_at is null returning id`,
      [assembly.id],
    );
    if (!rows.length) throw new Conflict('assemblies.recruitment.invitations.noneToPost');
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.invitations.sent',
      targetType: 'assembly',
      targetId: assembly.id,
      after: { letters: rows.length },
      requestId: ctx.requestId ?? null,
    });
    return rows.length;
  });
}

export type Invitation = {
  rank: number;
  address: string;
  postcode: string;
  wardCode: string | null;
  code: string;
};

/** Checks an officer may download the letters, and that there are some (else a 404, not a broken file). */
export async function invitationsReady(ctx: ServiceContext, slug: string): Promise<Assembly> {
  const assembly = await getAssembly(ctx, slug);
  await assignedOfficer(ctx, assembly);
  const rows = await ctx.db.query('select 1 from assembly_invitations where assembly_id = $1 limit 1', [
    assembly.id,
  ]);
  if (!rows.length) throw new NotFound();
  return assembly;
}

/** The invitations in draw order, a slice at a time (the mail merge and the letters). */
export async function* invitationsOf(
  ctx: ServiceContext,
  assembly: Assembly,
  sliceSize = 1000,
): AsyncGenerator<Invitation[]> {
  await assignedOfficer(ctx, assembly);
  let after = 0;
  for (;;) {
    const rows = await ctx.db.query<{
      rank: number;
      address: string;
      postcode: string;
      ward_code: string | null;
      code: string;
    }>(
      `select rank, address, postcode, ward_code, code from assembly_invitations
       where assembly_id = $1 and rank > $2 order by rank limit $3`,
      [assembly.id, after, sliceSize],
    );
    if (!rows.length) return;
    yield rows.map((r) => ({
      rank: r.rank,
      address: r.address,
      postcode: r.postcode,
      wardCode: r.ward_code,
      code: r.code,
    }));
    after = rows[rows.length - 1]?.rank ?? after;
    if (rows.length < sliceSize) return;
  }
}
