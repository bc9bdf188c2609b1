-- Search (SPEC §3.1): what the directory search needs beyond the index of 0006.

-- "Food near Sale Moor" narrows by category before anything else.
create index search_documents_categories on search_documents using gin (categories);

-- The planner costs every function at 1 unless told otherwise, so it takes pg_trgm's word
-- similarity (several microseconds a row) to be as cheap as an equality test, and would rather
-- run it on every record of the place than look trigrams up in the GIN index: 140 ms instead
-- of 10 ms over 20,000 records. These costs say how dear it really is. Only the extension's
-- owner may change them; where that is someone else (an extension created by a DBA), search
-- still works, just slower on large places, so the migration carries on.
do $$
begin
  alter function word_similarity_op(text, text) cost 100;
  alter function word_similarity_commutator_op(text, text) cost 100;
  alter function similarity_op(text, text) cost 100;
exception when insufficient_privilege then
  raise notice 'pg_trgm belongs to another role: search planning keeps its default costs';
end
$$;
