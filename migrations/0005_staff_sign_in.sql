-- OpenID Connect sign-in for staff, configured per place. The client secret is encrypted
-- with the installation secret.
alter table places add column oidc_issuer text;
alter table places add column oidc_client_id text;
alter table places add column oidc_client_secret_enc text;
