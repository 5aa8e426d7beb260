//! The plan: each valid row creates a store, joins one, or conflicts with one, against the
//! database and the earlier rows — by the one matching rule of [`crate::matching`].

use std::collections::HashMap;

use rusqlite::Connection;

use super::layout::Layout;
use super::read::{Cell, Grid};
use super::row::{check_row, RowError, Valid};
use crate::error::Result;
use crate::matching::{best, name_key, MatchReason, Outcome, Record, Resolution};
use crate::phone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Existing(i64),
    /// Index in `Plan::new_stores`.
    New(usize),
}

pub(super) struct NewStore {
    pub(super) row_index: usize,
}

/// A person a row brings to a store: a new contact, or (kept apart) the contact who already has
/// that phone, linked to one more store.
pub(super) struct Person {
    pub(super) vi: usize,
    pub(super) store: Target,
    pub(super) link: bool,
}

/// A row whose phone is another store's, under another store name.
pub(super) struct Conflict {
    pub(super) vi: usize,
    pub(super) with: Target,
    /// The earlier row of this file that brought the other store (None: it is in the database).
    pub(super) with_row: Option<u32>,
    pub(super) with_name: String,
    pub(super) with_person: String,
    pub(super) resolution: Resolution,
}

pub(super) struct Plan {
    pub(super) valid: Vec<Valid>,
    /// The grid index of each valid row.
    pub(super) grid_rows: Vec<usize>,
    pub(super) new_stores: Vec<NewStore>,
    pub(super) people: Vec<Person>,
    /// (valid index, target, adds a contact, reason): rows that join a store by the rule.
    pub(super) merges: Vec<(usize, Target, bool, MatchReason)>,
    pub(super) conflicts: Vec<Conflict>,
    pub(super) errors: Vec<RowError>,
    pub(super) invalid_rows: Vec<usize>,
    pub(super) landlines: u32,
    pub(super) rows: u32,
}

impl Plan {
    /// Rows that join a store: by the rule, or because a person chose to merge a conflict.
    pub(super) fn merged(&self) -> u32 {
        let chosen = self
            .conflicts
            .iter()
            .filter(|c| c.resolution == Resolution::Merge)
            .count();
        (self.merges.len() + chosen) as u32
    }

    /// Grid indexes of the rows left out: invalid ones and conflicts to skip, in file order.
    pub(super) fn left_out(&self) -> Vec<usize> {
        let mut out = self.invalid_rows.clone();
        out.extend(
            self.conflicts
                .iter()
                .filter(|c| c.resolution == Resolution::Skip)
                .map(|c| self.grid_rows[c.vi]),
        );
        out.sort_unstable();
        out
    }
}

/// A store a later row may match.
struct Known {
    target: Target,
    name: String,
    city: String,
    phone: Option<String>,
    person: String,
    row: Option<u32>,
}

#[derive(Default)]
struct Index {
    known: Vec<Known>,
    phones: HashMap<String, Vec<usize>>,
    names: HashMap<String, usize>,
}

impl Index {
    fn add(&mut self, k: Known) {
        let i = self.known.len();
        match &k.phone {
            Some(p) => self.phones.entry(p.clone()).or_default().push(i),
            None => {
                self.names.entry(name_key(&k.name, &k.city)).or_insert(i);
            }
        }
        self.known.push(k);
    }

    /// A new store of this file: found by its name and by its phone from now on.
    fn add_store(&mut self, target: Target, v: &Valid) {
        self.add(Known {
            target,
            name: v.store_name.clone(),
            city: v.city.clone(),
            phone: None,
            person: String::new(),
            row: Some(v.row),
        });
        self.add_phone(target, &v.store_name, &v.city, v);
    }

    fn add_phone(&mut self, target: Target, name: &str, city: &str, v: &Valid) {
        self.add(Known {
            target,
            name: name.to_owned(),
            city: city.to_owned(),
            phone: Some(v.phone.number.clone()),
            person: v.contact_name.clone(),
            row: Some(v.row),
        });
    }

    fn outcome(&self, v: &Valid) -> Outcome<usize> {
        let key = name_key(&v.store_name, &v.city);
        let by_phone = self.phones.get(&v.phone.number).into_iter().flatten();
        let candidates = by_phone
            .chain(self.names.get(&key))
            .map(|&i| (i, self.record(i)));
        best(
            &Record {
                store_name: &v.store_name,
                city: &v.city,
                phone: Some(&v.phone.number),
            },
            candidates,
        )
    }

    fn record(&self, i: usize) -> Record<'_> {
        let k = &self.known[i];
        Record {
            store_name: &k.name,
            city: &k.city,
            phone: k.phone.as_deref(),
        }
    }
}

/// The stores in the database: by name and city, and by each phone of their contacts (a
/// contact who belongs to several stores is found under each).
fn existing(conn: &Connection) -> Result<Index> {
    let mut index = Index::default();
    let mut stmt = conn.prepare("SELECT id, name, city FROM stores ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        index.add(Known {
            target: Target::Existing(r.get(0)?),
            name: r.get(1)?,
            city: r.get(2)?,
            phone: None,
            person: String::new(),
            row: None,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT s.id, s.name, s.city, c.phone, c.name
         FROM store_contacts sc JOIN contacts c ON c.id = sc.contact_id
         JOIN stores s ON s.id = sc.store_id
         WHERE c.phone IS NOT NULL AND c.erased_at IS NULL ORDER BY c.id, s.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        index.add(Known {
            target: Target::Existing(r.get(0)?),
            name: r.get(1)?,
            city: r.get(2)?,
            phone: Some(r.get(3)?),
            person: r.get(4)?,
            row: None,
        });
    }
    Ok(index)
}

/// Plans the import; `decide` gives a person's decision on the conflict of a row (by its number
/// in the spreadsheet).
pub(super) fn plan(
    conn: &Connection,
    grid: &Grid,
    layout: &Layout,
    decide: &dyn Fn(u32) -> Resolution,
) -> Result<Plan> {
    let mut index = existing(conn)?;
    let mut p = Plan {
        valid: Vec::new(),
        grid_rows: Vec::new(),
        new_stores: Vec::new(),
        people: Vec::new(),
        merges: Vec::new(),
        conflicts: Vec::new(),
        errors: Vec::new(),
        invalid_rows: Vec::new(),
        landlines: 0,
        rows: 0,
    };
    for (gi, (row, cells)) in grid
        .rows
        .iter()
        .enumerate()
        .skip(layout.header_row_index + 1)
    {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        p.rows += 1;
        let (valid, errors) = check_row(layout, *row, cells);
        let Some(v) = valid else {
            p.errors.extend(errors);
            p.invalid_rows.push(gi);
            continue;
        };
        if v.phone.kind == phone::PhoneKind::Landline {
            p.landlines += 1;
        }
        let vi = p.valid.len();
        match index.outcome(&v) {
            Outcome::Same(i, reason) => {
                let target = index.known[i].target;
                let adds = reason == MatchReason::NameCity;
                if adds {
                    // A phone another store already has is that person: linked, not copied.
                    let link = index.phones.contains_key(&v.phone.number);
                    let (name, city) = (index.known[i].name.clone(), index.known[i].city.clone());
                    index.add_phone(target, &name, &city, &v);
                    p.people.push(Person {
                        vi,
                        store: target,
                        link,
                    });
                }
                p.merges.push((vi, target, adds, reason));
            }
            Outcome::Conflict(i) => {
                let k = &index.known[i];
                let resolution = decide(v.row);
                p.conflicts.push(Conflict {
                    vi,
                    with: k.target,
                    with_row: k.row,
                    with_name: k.name.clone(),
                    with_person: k.person.clone(),
                    resolution,
                });
                if resolution == Resolution::Apart {
                    // The row's own store (one of that name in the city, or a new one), with
                    // the person who has the phone linked to it.
                    let key = name_key(&v.store_name, &v.city);
                    let target = match index.names.get(&key) {
                        Some(&n) => {
                            let target = index.known[n].target;
                            index.add_phone(target, &v.store_name, &v.city, &v);
                            target
                        }
                        None => new_store(&mut p, &mut index, vi, &v),
                    };
                    p.people.push(Person {
                        vi,
                        store: target,
                        link: true,
                    });
                }
            }
            Outcome::New => {
                let target = new_store(&mut p, &mut index, vi, &v);
                p.people.push(Person {
                    vi,
                    store: target,
                    link: false,
                });
            }
        }
        p.grid_rows.push(gi);
        p.valid.push(v);
    }
    Ok(p)
}

fn new_store(p: &mut Plan, index: &mut Index, vi: usize, v: &Valid) -> Target {
    let target = Target::New(p.new_stores.len());
    p.new_stores.push(NewStore { row_index: vi });
    index.add_store(target, v);
    target
}

pub(super) fn sorted_errors(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.sort_by(|a, b| {
        a.row
            .cmp(&b.row)
            .then(a.letter.len().cmp(&b.letter.len()))
            .then(a.letter.cmp(&b.letter))
    });
    errors
}
