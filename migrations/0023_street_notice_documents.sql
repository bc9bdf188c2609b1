-- The documents a notification type asks for (an insurance certificate, a plan of the closure),
-- as the resident provides them. 0020 made the table before anything wrote to it; this gives it
-- what the journey needs: one file per document the type asks for, who uploaded it and when,
-- and names that say which is Kith's and which is the uploader's.
alter table street_notice_documents rename column file_name to stored_name;
alter table street_notice_documents rename column original_name to file_name;
alter table street_notice_documents rename column created_at to uploaded_at;
-- Kith's own name under the files folder (see platform/files/file-store.ts); never served
-- from a public path, only through the notification's download route.
alter table street_notice_documents
  add constraint street_notice_documents_stored_name check (stored_name ~ '^street-documents/[a-z0-9-]{1,80}\.(pdf|jpg|png)$');
alter table street_notice_documents
  add constraint street_notice_documents_size check (size_bytes <= 10485760);
alter table street_notice_documents
  add column uploaded_by uuid references users (id) on delete set null;
-- A replacement takes the place of the file before it.
alter table street_notice_documents
  add constraint street_notice_documents_one_each unique (notice_id, document_id);
drop index street_notice_documents_notice;

-- The first demo types asked for a "Letter to neighbours" that Kith itself makes once a
-- notification is sent. Now that required documents must be uploaded before sending, that entry
-- would stop every demo street party; it goes (matched on its demo id and hint, so nothing a
-- council wrote is touched).
update street_notice_types t
   set documents = (
     select coalesce(jsonb_agg(d.value order by d.ordinality), '[]'::jsonb)
       from jsonb_array_elements(t.documents) with ordinality d
      where not (d.value ->> 'id' = 'neighbour-letter' and d.value ->> 'hint' = 'We make this for you to print.'))
 where t.documents @> '[{"id": "neighbour-letter"}]';
