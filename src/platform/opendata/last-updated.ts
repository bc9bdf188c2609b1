import type { ServiceContext } from '../http/request-context.js';

/**
 * A dataset's "last updated": the newest timestamp in one of its module's own tables for the
 * place. `table` and `column` are the module's constants, never input.
 */
export function newestIn(table: string, column = 'updated_at', where = 'true') {
  if (!/^[a-z_]+$/.test(table) || !/^[a-z_]+$/.test(column))
    throw new Error('newestIn: a plain table and column');
  return async (ctx: ServiceContext): Promise<Date | null> => {
    const rows = await ctx.db.query<{ at: Date | null }>(
      `select max(${column}) as at from ${table} where place_id = $1 and (${where})`,
      [ctx.place.id],
    );
    return rows[0]?.at ? new Date(rows[0].at) : null;
  };
}
