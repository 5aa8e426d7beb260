//! The tables that travel between the laptops and head office, and who owns their rows. Every
//! other table (settings, stations and their tokens, raw scans, re-seating proposals, caches)
//! stays on the laptop.

/// Who may change a row, which is also who decides between two versions of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Stores and contacts: one list for the organisation, merged by the matching rule.
    Shared,
    /// Staff, products, price plans, templates: edited on a head-office laptop, read-only elsewhere.
    HeadOffice,
    /// A seminar and everything under it: the laptop that runs the seminar.
    Seminar,
    /// A template when it has no seminar (head office), the seminar's own copy when it has one.
    SeminarOrHeadOffice,
}

impl Owner {
    /// The name head office's database knows the kind by (`hq.tables.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Shared => "shared",
            Owner::HeadOffice => "head_office",
            Owner::Seminar => "seminar",
            Owner::SeminarOrHeadOffice => "seminar_or_head_office",
        }
    }
}

pub struct Table {
    pub name: &'static str,
    pub owner: Owner,
    /// For rows under a seminar: SQL giving the seminar's local id from the row `{r}`, which
    /// travels as the seminar's gid (head office checks that the laptop owns that seminar).
    pub seminar: Option<&'static str>,
    /// For shared rows: SQL giving the city of the row `{r}` (a laptop pulls its cities' stores).
    pub city: Option<&'static str>,
}

const fn t(name: &'static str, owner: Owner) -> Table {
    Table {
        name,
        owner,
        seminar: None,
        city: None,
    }
}

/// A row under a seminar, found from the row by `path`.
const fn under(name: &'static str, path: &'static str) -> Table {
    Table {
        name,
        owner: Owner::Seminar,
        seminar: Some(path),
        city: None,
    }
}

const SEMINAR_ID: &str = "{r}.seminar_id";
const VIA_INVITATION: &str = "(SELECT seminar_id FROM invitations WHERE id = {r}.invitation_id)";

/// In an order where a row's references come before it (parents first), so a snapshot or a
/// pull can be applied front to back.
pub const TABLES: &[Table] = &[
    t("staff", Owner::HeadOffice),
    t("products", Owner::HeadOffice),
    t("price_tiers", Owner::HeadOffice),
    t("checklist_templates", Owner::HeadOffice),
    Table {
        city: Some("{r}.city"),
        ..t("stores", Owner::Shared)
    },
    Table {
        city: Some("(SELECT city FROM stores WHERE id = {r}.store_id)"),
        ..t("contacts", Owner::Shared)
    },
    Table {
        city: Some("(SELECT city FROM stores WHERE id = {r}.store_id)"),
        ..t("contact_stores", Owner::Shared)
    },
    Table {
        city: Some("(SELECT city FROM stores WHERE id = {r}.partner_id)"),
        ..t("partner_payouts", Owner::Shared)
    },
    under("seminars", "{r}.id"),
    Table {
        owner: Owner::SeminarOrHeadOffice,
        ..under("cadences", SEMINAR_ID)
    },
    Table {
        owner: Owner::SeminarOrHeadOffice,
        ..under("scripts", SEMINAR_ID)
    },
    under("invitations", SEMINAR_ID),
    under("invitation_guests", VIA_INVITATION),
    under("venue_tables", SEMINAR_ID),
    under(
        "table_assistant_seats",
        "(SELECT seminar_id FROM venue_tables WHERE id = {r}.table_id)",
    ),
    under("seating_plans", SEMINAR_ID),
    under("seating_rules", SEMINAR_ID),
    under("seat_assignments", SEMINAR_ID),
    under("tickets", VIA_INVITATION),
    under("checkins", VIA_INVITATION),
    under("touches", VIA_INVITATION),
    // A deal or a follow-up outside any seminar (a later purchase) belongs to the laptop that
    // recorded it.
    under("deals", SEMINAR_ID),
    under(
        "deal_changes",
        "(SELECT seminar_id FROM deals WHERE id = {r}.deal_id)",
    ),
    under("followups", SEMINAR_ID),
    under("stage_log", SEMINAR_ID),
    under("checklist_items", SEMINAR_ID),
];

pub fn find(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}
