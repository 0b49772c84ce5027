-- name: SetEmail :one
-- Stores the account's email; a changed address is unverified again.
INSERT INTO account_emails (account, email, verified_at, updated_at)
VALUES (sqlc.arg(account), sqlc.arg(email), NULL, sqlc.arg(now))
ON CONFLICT (account) DO UPDATE SET
    email       = excluded.email,
    verified_at = CASE WHEN account_emails.email = excluded.email THEN account_emails.verified_at END,
    updated_at  = excluded.updated_at
RETURNING email, verified_at;

-- name: GetEmail :one
SELECT email, verified_at FROM account_emails WHERE account = sqlc.arg(account);

-- name: DeleteEmail :execrows
DELETE FROM account_emails WHERE account = sqlc.arg(account);

-- name: VerifyEmail :one
-- Marks the account's email verified when it is still the address the link was sent to.
UPDATE account_emails SET verified_at = COALESCE(verified_at, sqlc.arg(now)::timestamptz)
WHERE account = sqlc.arg(account) AND email = sqlc.arg(email)
RETURNING email, verified_at;


-- name: CountMail :execrows
-- Counts one mail for the account unless it sent quota mails since sqlc.arg(since).
INSERT INTO sent_mails (account, sent_at)
SELECT sqlc.arg(account), sqlc.arg(now)::timestamptz
WHERE (SELECT count(*) FROM sent_mails WHERE account = sqlc.arg(account) AND sent_at > sqlc.arg(since)::timestamptz) < sqlc.arg(quota)::int;

-- name: PurgeSentMails :execrows
DELETE FROM sent_mails WHERE sent_at <= sqlc.arg(cutoff)::timestamptz;
