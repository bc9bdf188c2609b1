import { Forbidden } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { VERIFICATION_METHODS, type VerificationMethod } from '../processes/process-input.js';
import { getProcess, MANAGE } from '../processes/process-service.js';
import { VERIFY } from './verification-common.js';

export type MethodFigures = { method: VerificationMethod; on: boolean; verified: number; voted: number };

/**
 * Verified voters by method, and how many of them have voted in the current round: the
 * officers' summary (no person is named or counted anywhere smaller than a method).
 */
export async function voterSummary(ctx: ServiceContext, slug: string): Promise<MethodFigures[]> {
  if (!can(ctx.actor, MANAGE) && !can(ctx.actor, VERIFY)) throw new Forbidden();
  const process = await getProcess(ctx, slug);
  const rows = await ctx.db.query<{ method: VerificationMethod; verified: number; voted: number }>(
    `select method, count(*)::int as verified, count(*) filter (where voted)::int as voted
     from pb_voters where process_id = $1 group by method`,
    [process.id],
  );
  return VERIFICATION_METHODS.map((method) => {
    const r = rows.find((x) => x.method === method);
    return {
      method,
      on: process.verificationMethods.includes(method),
      verified: r?.verified ?? 0,
      voted: r?.voted ?? 0,
    };
  });
}
