import type { PrivacyHooks } from '../../../platform/module-definition.js';

/**
 * Ideas are public participation in decisions about the area (UK GDPR Art. 6(1)(e)). On
 * account deletion an idea stays, unsigned (author_id null), because others have supported,
 * followed and discussed it and a team may be working on it; a comment stays without its
 * author, so replies keep their sense; supports and follows are the person's own choices and go.
 */
export const ideaPostingPrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'ideas.posting.privacy.data',
      purposeKey: 'ideas.posting.privacy.purpose',
      basis: 'public-task',
      retentionKey: 'ideas.posting.privacy.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      ideas: await db.query(
        `select i.id, i.title, i.summary, i.who_it_helps, i.ward_code, i.area, i.theme, i.stage, i.call_id,
           i.challenge_id, i.group_id, i.moderation_status, i.created_at,
           coalesce((select json_agg(json_build_object('file', m.file_key, 'alt', m.alt) order by m.position)
             from idea_images m where m.idea_id = i.id), '[]') as photos
         from ideas i where i.author_id = $1 order by i.created_at`,
        [person.userId],
      ),
      idea_comments: await db.query(
        `select c.id, c.idea_id, i.title as idea, c.parent_id, c.body, c.moderation_status, c.created_at
         from idea_comments c join ideas i on i.id = c.idea_id where c.author_id = $1 order by c.created_at`,
        [person.userId],
      ),
      idea_supports: await db.query(
        `select s.idea_id, i.title as idea, s.created_at from idea_supports s join ideas i on i.id = s.idea_id
         where s.user_id = $1 order by s.created_at`,
        [person.userId],
      ),
      idea_follows: await db.query(
        `select f.idea_id, i.title as idea, f.created_at from idea_follows f join ideas i on i.id = f.idea_id
         where f.user_id = $1 order by f.created_at`,
        [person.userId],
      ),
    };
  },
  async eraseFor(tx, person) {
    await tx.query('delete from idea_supports where user_id = $1', [person.userId]);
    await tx.query('delete from idea_follows where user_id = $1', [person.userId]);
    const comments = await tx.query(
      'update idea_comments set author_id = null where author_id = $1 returning id',
      [person.userId],
    );
    const ideas = await tx.query('update ideas set author_id = null where author_id = $1 returning id', [
      person.userId,
    ]);
    return ideas.length || comments.length ? ['ideas.posting.privacy.keptOnErase'] : [];
  },
};
