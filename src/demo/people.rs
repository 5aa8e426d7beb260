//! The demo organisation: its name and settings, its staff, and the people's names and phones.

use chrono::Duration;
use rand::Rng;

use super::stores::CITIES;
use super::{hm, stamp, Demo, TIMEZONE};
use crate::error::Result;
use crate::staff::{self, StaffInput, StaffRole};

const ORG_NAME: &str = "湘汇会务";

/// The staff: name and roles. Two inviters also sit at tables as assistants, as they often do.
const STAFF: &[(&str, &[StaffRole])] = &[
    ("陈志远", &[StaffRole::Organizer, StaffRole::Lecturer]),
    ("刘婷", &[StaffRole::Organizer]),
    ("彭小燕", &[StaffRole::Inviter, StaffRole::Assistant]),
    ("谭伟", &[StaffRole::Inviter, StaffRole::Assistant]),
    ("邓丽娟", &[StaffRole::Inviter]),
    ("曾凡强", &[StaffRole::Inviter]),
    ("李娜", &[StaffRole::Assistant]),
    ("王敏", &[StaffRole::Assistant]),
    ("张慧芳", &[StaffRole::Assistant]),
    ("罗静", &[StaffRole::Assistant]),
    ("黄俊", &[StaffRole::Assistant]),
    ("周雪梅", &[StaffRole::Assistant]),
    ("唐国华", &[StaffRole::Lecturer]),
    ("肖雨", &[StaffRole::Checkin]),
    ("蒋琳", &[StaffRole::Checkin]),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "彭", "谭", "唐", "邓", "曾", "罗",
    "蒋", "肖", "龙", "易", "胡", "何", "许", "廖", "钟", "贺", "文", "毛", "袁", "夏", "石", "汤",
    "邹", "熊", "欧阳", "左", "颜", "尹", "雷", "朱",
];

const MALE_GIVEN: &[&str] = &[
    "建军", "志强", "国华", "伟", "勇", "海波", "俊杰", "小龙", "建华", "卫东", "明", "浩", "鹏飞",
    "德胜", "立新", "文斌", "振华", "家豪", "刚", "军", "斌", "磊", "涛", "辉", "湘林", "湘军",
    "正军", "学文", "光明", "国庆", "永强", "春生", "新民", "宏伟", "晓东", "红兵", "铁军", "耀华",
    "志刚", "坤",
];

const FEMALE_GIVEN: &[&str] = &[
    "丽", "娟", "芳", "敏", "静", "秀英", "桂英", "丽华", "美玲", "春燕", "小红", "红梅", "晓燕",
    "慧", "玲", "婷", "雪", "佳", "文静", "素珍", "海燕", "翠兰", "艳", "霞", "湘云", "梦瑶",
    "思琪", "欣怡", "小芳", "丽娟", "玉兰", "金凤", "彩霞", "美华", "秋菊", "冬梅", "慧敏", "雅琴",
    "淑芬", "莉",
];

/// Mainland mobile prefixes in common use.
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
];

/// Staff ids by role (a person with two roles is in both lists).
pub(super) struct StaffIds {
    pub(super) inviters: Vec<i64>,
    pub(super) assistants: Vec<i64>,
    pub(super) lecturers: Vec<i64>,
}

impl Demo<'_> {
    pub(super) fn mobile(&mut self) -> String {
        loop {
            let prefix = self.pick(MOBILE_PREFIXES);
            let number = format!("{prefix}{:08}", self.rng.random_range(0..100_000_000u32));
            if self.phones.insert(number.clone()) {
                return number;
            }
        }
    }

    pub(super) fn landline(&mut self, city: usize) -> String {
        loop {
            let raw = format!(
                "0731-{}{:07}",
                CITIES[city].landline_lead,
                self.rng.random_range(0..10_000_000u32)
            );
            if self.phones.insert(raw.clone()) {
                return raw;
            }
        }
    }

    pub(super) fn person_name(&mut self, female: bool) -> String {
        let surname = self.pick(SURNAMES);
        let given = self.pick(if female { FEMALE_GIVEN } else { MALE_GIVEN });
        format!("{surname}{given}")
    }

    pub(super) fn settings(&mut self) -> Result<()> {
        // The organisation's name is the demo's; a language or time zone the user already chose stays.
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES ('org_name', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [ORG_NAME],
        )?;
        self.conn.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES ('language', ?1)",
            [crate::i18n::Lang::Zh.code()],
        )?;
        self.conn.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES ('timezone', ?1)",
            [TIMEZONE],
        )?;
        Ok(())
    }

    pub(super) fn staff(&mut self) -> Result<StaffIds> {
        let mut ids = StaffIds {
            inviters: Vec::new(),
            assistants: Vec::new(),
            lecturers: Vec::new(),
        };
        // The founders first, the others as the company grew; all before the first stores.
        let hired = self.day(-750);
        for (i, (name, roles)) in STAFF.iter().enumerate() {
            let phone = self.mobile();
            let created = stamp(
                hired + Duration::days(i as i64 * 3),
                hm(10, 0) + i as u32 * 60,
            );
            let input = StaffInput {
                name: (*name).to_owned(),
                phone: Some(phone),
                roles: roles.to_vec(),
                active: true,
            };
            let id = staff::insert(self.conn, input, &created)?;
            for role in roles.iter() {
                match role {
                    StaffRole::Inviter => ids.inviters.push(id),
                    StaffRole::Assistant => ids.assistants.push(id),
                    StaffRole::Lecturer => ids.lecturers.push(id),
                    StaffRole::Organizer | StaffRole::Checkin => {}
                }
            }
        }
        Ok(ids)
    }
}
