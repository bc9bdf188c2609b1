import type { PrivacyHooks } from '../../platform/module-definition.js';

/**
 * The only personal data here is which officer entered or changed a figure (their account, never
 * published), held as part of the council's public task of reporting its performance. The figures
 * themselves are the council's public record, so on account deletion they stay and the link to
 * the person goes; staged imports they uploaded go with them.
 */
export const standardsPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'standards.privacy.data',
      purposeKey: 'standards.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'standards.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    const figures = await db.query(
      `select c.name as service, s.promise as standard, f.month, f.value, f.note, f.action, f.source, f.created_at,
         f.updated_at
       from standard_figures f join service_standards s on s.id = f.standard_id
       join council_services c on c.id = s.service_id
       where f.entered_by = $1 order by f.month`,
      [person.userId],
    );
    return { service_standard_figures_entered: figures };
  },
  async eraseFor(tx, person) {
    const entered = await tx.query(
      'update standard_figures set entered_by = null where entered_by = $1 returning id',
      [person.userId],
    );
    await tx.query('update standard_figure_versions set entered_by = null where entered_by = $1', [
      person.userId,
    ]);
    await tx.query('delete from standard_imports where created_by = $1', [person.userId]);
    return entered.length ? ['standards.privacy.keptOnErase'] : [];
  },
  async applyRetention(tx) {
    // Staged imports nobody confirmed within 30 days are dropped; confirmed ones after a year.
    const rows = await tx.query(
      `delete from standard_imports
        where (imported_at is null and created_at < now() - interval '30 days')
           or imported_at < now() - interval '365 days' returning id`,
    );
    return rows.length;
  },
};
