-- One person, several stores (issue 12): an owner may run two shops under one phone number. A
-- contact keeps the store it was created in (contacts.store_id); each further store it belongs to
-- is a row here, with the person's role in that store. A released migration is never edited: add
-- a new file instead.
CREATE TABLE contact_stores (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    store_id   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'owner_spouse', 'manager', 'staff')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (contact_id, store_id)
) STRICT;
CREATE INDEX contact_stores_store ON contact_stores(store_id);

-- Every (store, contact, role) pair: the store a contact was created in, and the others.
CREATE VIEW store_contacts (store_id, contact_id, role) AS
    SELECT store_id, id, role FROM contacts
    UNION ALL
    SELECT store_id, contact_id, role FROM contact_stores;
