//! Who is calling an operation, whatever the transport: the language to answer in and the
//! person (the organizer, or the staff member behind a paired station). Every transport builds
//! one per call (the window's IPC from the page's language, HTTP from `Accept-Language` and the
//! token, the CLI from `--lang`); there is no default caller, so none can answer in the wrong
//! language by accident. A leaf: domain modules take it without reaching up into the API.

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::station::Identity;

#[derive(Debug, Clone)]
pub struct Caller {
    pub lang: Lang,
    pub actor: String,
    /// The paired station making the request; none for the organizer.
    pub station: Option<Identity>,
    /// The organizer's own desk name for what they record (`huixiao checkin --station`).
    pub desk: Option<String>,
}

impl Caller {
    /// The organizer (the desktop window, the loopback admin token, the CLI), answered in `lang`.
    pub fn organizer(lang: Lang) -> Caller {
        Caller {
            lang,
            actor: "organizer".into(),
            station: None,
            desk: None,
        }
    }

    /// A paired station: its staff member is who acts.
    pub fn station(lang: Lang, id: Identity) -> Caller {
        Caller {
            lang,
            actor: id.staff_name.clone(),
            station: Some(id),
            desk: None,
        }
    }

    /// The organizer's desk name for what they record (check-ins from the CLI).
    pub fn at_desk(mut self, desk: Option<String>) -> Caller {
        self.desk = desk;
        self
    }

    /// Refuses a station working on another seminar than the one it was paired for.
    pub fn check_seminar(&self, seminar_id: i64) -> Result<()> {
        match &self.station {
            Some(id) if id.seminar_id != seminar_id => Err(Error::forbidden(
                "此工作站只为配对时的那场会销工作。",
                "This station works only for the seminar it was paired for.",
            )),
            _ => Ok(()),
        }
    }

    /// The station's name as recorded on what it does (check-ins), or the organizer's.
    pub fn station_name(&self) -> String {
        match &self.station {
            Some(id) => id.name.clone(),
            None => match (&self.desk, self.lang) {
                (Some(d), _) if !d.trim().is_empty() => d.trim().chars().take(40).collect(),
                (_, Lang::Zh) => "组织者电脑".into(),
                (_, Lang::En) => "organizer's laptop".into(),
            },
        }
    }
}
