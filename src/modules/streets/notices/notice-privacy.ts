import type { PrivacyHooks } from '../../../platform/module-definition.js';
import { forgetDocuments } from './document-service.js';

/** Drafts nobody sent are deleted after this many days. */
export const DRAFTS_KEPT_DAYS = 90;
/**
 * The organiser's name and phone, the documents they provided, and neighbours' names, emails and
 * messages, go this long after the event.
 */
export const CONTACTS_KEPT_DAYS = 365;

/**
 * Street notifications are part of the council's highways and public-space functions
 * (UK GDPR Art. 6(1)(e), public task). What stays for good is the record that an event
 * happened, where and when, and any objection: the annual report counts those. The people in
 * it are forgotten a year after the event, or when they delete their account.
 */
export const noticePrivacy: PrivacyHooks = {
  dataUses: [
    {
      dataKey: 'streets.privacy.notices.data',
      purposeKey: 'streets.privacy.notices.purpose',
      basis: 'public-task',
      retentionKey: 'streets.privacy.notices.kept',
    },
    {
      dataKey: 'streets.privacy.documents.data',
      purposeKey: 'streets.privacy.documents.purpose',
      basis: 'public-task',
      retentionKey: 'streets.privacy.documents.kept',
    },
    {
      dataKey: 'streets.privacy.neighbours.data',
      purposeKey: 'streets.privacy.neighbours.purpose',
      basis: 'consent',
      retentionKey: 'streets.privacy.neighbours.kept',
    },
  ],
  async exportFor(db, person) {
    return {
      street_notices: await db.query(
        `select n.reference, t.name as type, n.status, n.title, n.description, n.street, n.from_point, n.to_point,
           n.location_text, n.starts_at, n.ends_at, n.expected_people, n.road_closure, n.answers,
           n.organiser_name, n.organiser_phone, n.show_organiser, n.notified_at, n.created_at
         from street_notices n join street_notice_types t on t.id = n.type_id
         where n.organiser_id = $1 order by n.created_at`,
        [person.userId],
      ),
      // The files themselves are the person's own; the list says what was given and when.
      street_notice_documents: await db.query(
        `select n.reference, d.document_id, d.file_name, d.content_type, d.size_bytes, d.uploaded_at
           from street_notice_documents d join street_notices n on n.id = d.notice_id
          where n.organiser_id = $1 or d.uploaded_by = $1 order by d.uploaded_at`,
        [person.userId],
      ),
      street_neighbour_responses: await db.query(
        `select n.reference, r.kind, r.name, r.message, r.email, r.created_at
           from street_neighbour_responses r join street_notices n on n.id = r.notice_id
          where lower(r.email) = lower($1) order by r.created_at`,
        [person.email],
      ),
    };
  },
  async eraseFor(tx, person) {
    // Events still to come are withdrawn (nobody is there to run them), with the history saying so.
    const withdrawn = await tx.query<{ id: string; place_id: string; status: string }>(
      `select id, place_id, status from street_notices
        where organiser_id = $1 and status not in ('draft', 'stopped', 'withdrawn', 'held', 'lapsed')
          and starts_at > now() for update`,
      [person.userId],
    );
    for (const n of withdrawn)
      await tx.query(
        `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, reason)
         values ($1, $2, 'withdraw', $3, 'withdrawn', '')`,
        [n.id, n.place_id, n.status],
      );
    await tx.query(
      `update street_notices set status = 'withdrawn', updated_at = now()
        where organiser_id = $1 and status not in ('draft', 'stopped', 'withdrawn', 'held', 'lapsed') and starts_at > now()`,
      [person.userId],
    );
    // Documents name and describe the organiser (an insurance certificate, a plan with their
    // address): they go with the organiser's details, files and all.
    await forgetDocuments(tx, 'organiser_id = $1', [person.userId]);
    await tx.query(`delete from street_notices where organiser_id = $1 and status = 'draft'`, [
      person.userId,
    ]);
    await tx.query(
      `update street_notices set organiser_id = null, organiser_name = '', organiser_phone = '', show_organiser = false
        where organiser_id = $1`,
      [person.userId],
    );
    await tx.query(`delete from street_neighbour_responses where lower(email) = lower($1)`, [person.email]);
    return ['streets.privacy.notices.keptOnErase'];
  },
  async applyRetention(tx, now) {
    const documents = await forgetDocuments(
      tx,
      `(status = 'draft' and updated_at < $1::timestamptz - make_interval(days => $2))
        or (status <> 'draft' and ends_at < $1::timestamptz - make_interval(days => $3))`,
      [now, DRAFTS_KEPT_DAYS, CONTACTS_KEPT_DAYS],
    );
    const drafts = await tx.query(
      `delete from street_notices where status = 'draft' and updated_at < $1::timestamptz - make_interval(days => $2)
       returning id`,
      [now, DRAFTS_KEPT_DAYS],
    );
    const organisers = await tx.query(
      `update street_notices set organiser_id = null, organiser_name = '', organiser_phone = '', show_organiser = false
        where ends_at < $1::timestamptz - make_interval(days => $2)
          and (organiser_id is not null or organiser_name <> '' or organiser_phone <> '')
        returning id`,
      [now, CONTACTS_KEPT_DAYS],
    );
    const neighbours = await tx.query(
      `update street_neighbour_responses r set name = '', message = '', email = null
         from street_notices n
        where n.id = r.notice_id and n.ends_at < $1::timestamptz - make_interval(days => $2)
          and (r.name <> '' or r.message <> '' or r.email is not null)
        returning r.id`,
      [now, CONTACTS_KEPT_DAYS],
    );
    return documents + drafts.length + organisers.length + neighbours.length;
  },
};
