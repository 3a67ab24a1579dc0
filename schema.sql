-- schema.sql: the one source of the nostr-pipeline database schema (see nostr-pipeline(7)).
PRAGMA foreign_keys = OFF;
