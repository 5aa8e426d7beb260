//! `huixiao stations`: create, list, revoke and renew a seminar's paired devices.

use super::{Result, StationsCommand};
use crate::app::App;
use crate::i18n::Lang;
use crate::input::IdInput;

pub(super) fn run(app: &App, command: StationsCommand, lang: Lang) -> Result {
    use crate::station::{self, StationRole};
    let print = |s: &station::Station| {
        let (zh, en) = s.role.label();
        println!(
            "#{:<4} {:<20} {:<10} {:<16} {:?}  {}",
            s.id,
            s.name,
            lang.pick(zh, en),
            s.staff_name,
            s.status,
            s.expires_at
        );
    };
    match command {
        StationsCommand::Create {
            seminar,
            staff,
            role,
            json,
        } => {
            let role = StationRole::parse(&role).ok_or_else(|| {
                crate::error::invalid(
                    "role",
                    format!("角色“{role}”无效：应为 checkin、assistant、inviter 或 lecturer。"),
                    format!("Role “{role}” is not one of checkin, assistant, inviter, lecturer."),
                )
            })?;
            let p = station::create(
                app,
                station::NewStation {
                    seminar_id: seminar,
                    staff_id: staff,
                    role,
                    name: None,
                },
                // The LAN server runs in `huixiao serve --lan`, not here: the code is printed.
                &[],
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p).expect("json"));
            } else {
                print(&p.station);
                println!(
                    "{}{}",
                    lang.pick("配对码：", "Pairing code: "),
                    p.pairing_code
                );
                for u in &p.urls {
                    println!("{u}");
                }
            }
        }
        StationsCommand::List { seminar, json } => {
            let list = station::list(
                app,
                crate::input::SeminarScope {
                    seminar_id: seminar,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list).expect("json"));
            } else {
                list.iter().for_each(print);
            }
        }
        StationsCommand::Revoke { id } => print(&station::revoke(app, IdInput { id })?),
        StationsCommand::Renew { id } => print(&station::renew(app, IdInput { id })?),
    }
    Ok(())
}
