//! `huixiao hq init | laptop add | laptop revoke`: what head office runs against the organisation's
//! PostgreSQL database. No laptop database is opened.

use serde_json::json;

use super::args::{BiCommand, HqCommand, LaptopCommand};
use super::Result;
use crate::hq::laptop::{self, NewLaptop};
use crate::hq::link::Link;
use crate::hq::{bi, block_on, connect, handover, schema};
use crate::i18n::Lang;

pub(super) fn run(command: &HqCommand, lang: Lang) -> Result {
    match command {
        HqCommand::Init { pg, json: as_json } => {
            let link = Link::parse(pg)?;
            let done = block_on(async {
                let mut client = connect::connect(&link).await?;
                schema::init(&mut client, &place(&link)).await
            })?;
            if *as_json {
                print_json(&json!(done));
            } else if done.created {
                println!(
                    "{}{}",
                    lang.pick(
                        "总部数据库已准备好。组织编号：",
                        "The organisation database is ready. Organisation id: "
                    ),
                    done.organisation
                );
            } else {
                println!(
                    "{}{}",
                    lang.pick("总部数据库已是最新，无需改动。组织编号：", "The organisation database is up to date; nothing changed. Organisation id: "),
                    done.organisation
                );
            }
        }
        HqCommand::Bi {
            command: BiCommand::Add { pg, json: as_json },
        } => {
            let link = Link::parse(pg)?;
            let reader = block_on(async {
                let mut client = connect::connect(&link).await?;
                bi::add(&mut client, &link, &place(&link)).await
            })?;
            if *as_json {
                print_json(&json!(reader));
            } else {
                println!(
                    "{}",
                    lang.pick(
                        "已建立只读登录（只能读 org 模式的视图，电话已打码）。把下面的地址交给 BI 工具（里面有密码）：",
                        "A read-only sign-in is ready (the views of schema org only, phones masked). Give this address to the BI tool (it holds a secret):"
                    )
                );
                println!("{}", reader.url);
            }
        }
        HqCommand::Seminars { pg, json: as_json } => {
            let link = Link::parse(pg)?;
            let held = block_on(async {
                let client = connect::connect(&link).await?;
                handover::seminars(&client, &place(&link)).await
            })?;
            if *as_json {
                print_json(&json!(held));
            } else {
                for s in &held {
                    println!(
                        "{}  {}  {}  {}  {}",
                        s.gid,
                        s.date.as_deref().unwrap_or(""),
                        s.city.as_deref().unwrap_or(""),
                        s.title.as_deref().unwrap_or(""),
                        s.laptop.as_deref().unwrap_or("")
                    );
                }
            }
        }
        HqCommand::Handover {
            pg,
            seminar,
            to,
            json: as_json,
        } => {
            let link = Link::parse(pg)?;
            let done = block_on(async {
                let mut client = connect::connect(&link).await?;
                handover::handover(&mut client, &place(&link), seminar.trim(), to.trim()).await
            })?;
            if *as_json {
                print_json(&json!(done));
            } else {
                let title = done.title.clone().unwrap_or_default();
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("“{title}”已交给“{}”：它下次同步时收到这场会销的 {} 条数据。", done.to, done.rows),
                        Lang::En => format!("\"{title}\" now belongs to \"{}\": it receives the seminar's {} records at its next sync.", done.to, done.rows),
                    }
                );
            }
        }
        HqCommand::Laptop { command } => match command {
            LaptopCommand::Add {
                pg,
                name,
                cities,
                hq,
                json: as_json,
            } => {
                let link = Link::parse(pg)?;
                let added = block_on(async {
                    let mut client = connect::connect(&link).await?;
                    let new = NewLaptop {
                        name,
                        cities: cities.clone(),
                        is_hq: *hq,
                    };
                    laptop::add(&mut client, &link, &place(&link), new).await
                })?;
                if *as_json {
                    print_json(&json!(added));
                } else {
                    println!(
                        "{}",
                        lang.pick(
                            "已登记。把下面的加入链接交给这台电脑的负责人（链接里有密码，请私下传送）：",
                            "Registered. Give this join link to the laptop's organizer (it holds a secret: send it privately):"
                        )
                    );
                    println!("{}", added.join_url);
                }
            }
            LaptopCommand::Revoke {
                pg,
                name,
                json: as_json,
            } => {
                let link = Link::parse(pg)?;
                block_on(async {
                    let mut client = connect::connect(&link).await?;
                    laptop::revoke(&mut client, &place(&link), name).await
                })?;
                if *as_json {
                    print_json(&json!({ "name": name, "revoked": true }));
                } else {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!("已撤销“{name}”：它不能再登录总部数据库。"),
                            Lang::En => format!("Revoked \"{name}\": it can no longer sign in to the organisation database."),
                        }
                    );
                }
            }
        },
    }
    Ok(())
}

/// Where the organisation's database is, for messages (never the secret).
fn place(link: &Link) -> String {
    crate::hq::link::redact(&link.pg)
}

fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).expect("json"));
}
