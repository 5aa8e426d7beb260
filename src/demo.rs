//! Demo data: a realistic organisation, deterministic for a given "today".
//!
//! [`load`] fills an empty database with staff, ~300 stores in two cities with their contacts,
//! products with three price tiers and three seminars: one closed two weeks ago (check-ins, deals
//! with a deal ratio above 100%, follow-ups), one live today and one next week still inviting.
//! Past seminars are written the way an import of history is (`seminar::insert`); creating a new
//! seminar in the past through the UI or the API stays refused.
//!
//! Every choice comes from one RNG seeded from `today`, and every timestamp is derived from
//! `today` (never the wall clock), so two runs with the same day write identical tables.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::{self, ContactInput, ContactRole};
use crate::deal::{self, DealInput, Payment};
use crate::error::{invalid, Error, Result};
use crate::followup::{self, Channel, FollowUpOutcome, NewFollowUp};
use crate::invitation::{self, InvitationInput, InvitationStatus};
use crate::product::{self, PriceTierInput, ProductInput};
use crate::seating::{self, TableInput, TableShape};
use crate::seminar::{self, SeatingLayout, SeminarInput, SeminarStatus};
use crate::staff::{self, StaffInput, StaffRole};
use crate::store::{self, StoreInput, StoreLevel};
use crate::{checkin, ticket};

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct DemoInput {
    /// `YYYY-MM-DD`; the real date when null.
    #[serde(default)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DemoSummary {
    pub seminars: i64,
    pub stores: i64,
}

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

const ORG_NAME: &str = "湘汇会务";
const TIMEZONE: &str = "Asia/Shanghai";

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

struct District {
    name: &'static str,
    streets: &'static [&'static str],
    /// Counties and county-level cities: more farm-supply stores, fewer salons.
    rural: bool,
}

struct City {
    name: &'static str,
    stores: usize,
    /// First digit of the 8-digit local landline numbers (area code 0731 for both cities).
    landline_lead: char,
    districts: &'static [District],
}

const CHANGSHA: usize = 0;
const ZHUZHOU: usize = 1;

#[rustfmt::skip]
const CITIES: &[City] = &[
    City { name: "长沙", stores: 190, landline_lead: '8', districts: &[
        District { name: "芙蓉区", rural: false, streets: &["五一大道", "芙蓉中路", "人民东路", "八一路", "韭菜园路", "车站北路"] },
        District { name: "天心区", rural: false, streets: &["解放西路", "坡子街", "书院路", "芙蓉南路", "湘府中路", "劳动西路"] },
        District { name: "岳麓区", rural: false, streets: &["麓山南路", "桐梓坡路", "金星中路", "岳麓大道", "枫林三路", "银盆南路"] },
        District { name: "开福区", rural: false, streets: &["湘江中路", "营盘东路", "三一大道", "东风路", "伍家岭路", "福城路"] },
        District { name: "雨花区", rural: false, streets: &["韶山中路", "万家丽中路", "劳动东路", "曙光南路", "香樟路", "井湾路"] },
        District { name: "望城区", rural: true, streets: &["雷锋大道", "郭亮中路", "金星北路", "普瑞大道"] },
        District { name: "长沙县", rural: true, streets: &["星沙大道", "开元中路", "漓湘路", "板仓路"] },
        District { name: "浏阳市", rural: true, streets: &["金沙路", "白沙路", "北正路", "劳动路"] },
        District { name: "宁乡市", rural: true, streets: &["玉潭路", "花明路", "一环路", "人民路"] },
    ] },
    City { name: "株洲", stores: 110, landline_lead: '2', districts: &[
        District { name: "荷塘区", rural: false, streets: &["新华西路", "红旗路", "荷塘铺路", "合泰路"] },
        District { name: "芦淞区", rural: false, streets: &["建设中路", "人民南路", "董家塅大道", "车站路"] },
        District { name: "石峰区", rural: false, streets: &["响石路", "田心大道", "北站路", "铜霞路"] },
        District { name: "天元区", rural: false, streets: &["珠江北路", "长江北路", "黄河南路", "泰山路", "株洲大道"] },
        District { name: "渌口区", rural: true, streets: &["渌湘大道", "胜利路"] },
        District { name: "醴陵市", rural: true, streets: &["瓷城大道", "解放路", "西山路"] },
        District { name: "攸县", rural: true, streets: &["东正街", "联星路", "城关路"] },
    ] },
];

struct Industry {
    name: &'static str,
    prefixes: &'static [&'static str],
    suffixes: &'static [&'static str],
    /// Relative weights in city districts and in counties.
    urban: u32,
    rural: u32,
    /// How often the owner is a woman (the spouse is then a man).
    female_owner: f64,
}

#[rustfmt::skip]
const INDUSTRIES: &[Industry] = &[
    Industry { name: "幼儿园", urban: 14, rural: 12, female_owner: 0.6,
        prefixes: &["小太阳", "金摇篮", "七彩虹", "贝乐", "童心", "启明星", "小天使", "阳光", "育才", "博雅",
                    "蓝天", "星光", "金色童年", "爱心", "春苗", "小橡树", "新苗", "快乐宝贝", "智慧树", "小蜜蜂"],
        suffixes: &["幼儿园", "双语幼儿园", "艺术幼儿园", "托育园"] },
    Industry { name: "母婴店", urban: 15, rural: 10, female_owner: 0.7,
        prefixes: &["贝贝乐", "宝贝屋", "爱婴", "童乐", "亲亲宝贝", "乐儿", "好妈妈", "小脚丫", "宝宝乐", "贝儿",
                    "喜洋洋", "妈咪宝贝", "蓓蕾", "开心宝贝", "小可爱", "婴乐", "童年时光", "育儿宝"],
        suffixes: &["母婴店", "孕婴生活馆", "母婴用品", "母婴生活馆"] },
    Industry { name: "美容院", urban: 15, rural: 6, female_owner: 0.85,
        prefixes: &["丽人坊", "美颜", "雅诗", "伊人", "俏佳人", "水云间", "悦容", "芳华", "玉肌", "颜如玉",
                    "梦丽莎", "花样年华", "若水", "静雅", "紫罗兰", "倾城", "素颜", "馨怡", "美丽人生", "蝶恋"],
        suffixes: &["美容院", "美容会所", "皮肤管理", "美容养生馆"] },
    Industry { name: "美发店", urban: 12, rural: 8, female_owner: 0.45,
        prefixes: &["名剪", "艺剪", "丝语", "魔发", "尚美", "潮人", "卡诺", "新视觉", "发现", "阿华",
                    "东方", "型格", "剪刀手", "青丝", "阿杰", "一剪梅", "千丝", "风尚", "佳丽"],
        suffixes: &["美发", "发型设计", "造型", "美发沙龙", "理发店"] },
    Industry { name: "农资店", urban: 2, rural: 20, female_owner: 0.25,
        prefixes: &["丰收", "金穗", "绿野", "农丰", "五谷", "惠农", "兴农", "田园", "禾丰", "沃土",
                    "金土地", "益农", "满仓", "春耕", "福农", "谷丰", "绿源", "稻香", "丰年", "嘉禾"],
        suffixes: &["农资店", "农资经营部", "种子化肥店", "农资超市"] },
    Industry { name: "便利店", urban: 12, rural: 12, female_owner: 0.4,
        prefixes: &["邻里", "家家乐", "惠民", "万家福", "喜客", "佳佳", "福满多", "如意", "诚信", "一家亲",
                    "好邻居", "金福", "百家", "和顺", "利民", "鑫鑫", "红红", "兴隆"],
        suffixes: &["便利店", "超市", "便民超市", "百货"] },
    Industry { name: "餐饮", urban: 12, rural: 9, female_owner: 0.35,
        prefixes: &["湘里人家", "老街", "刘记", "柴火", "湘江", "渔家", "辣妹子", "家常", "王记", "陈记",
                    "外婆味道", "乡里", "湘味轩", "老地方", "好再来", "聚福", "农家", "土灶", "老码头"],
        suffixes: &["土菜馆", "米粉店", "湘菜馆", "饭庄", "酒楼"] },
    Industry { name: "药店", urban: 10, rural: 8, female_owner: 0.45,
        prefixes: &["仁和", "康宁", "百姓", "济民", "同仁", "惠康", "益寿", "春天", "安康", "健民",
                    "福康", "德仁", "万康", "仁心", "康泰", "天济", "永安", "寿康", "民生"],
        suffixes: &["大药房", "药店", "药房", "医药"] },
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

const STORE_NOTES: &[&str] = &[
    "老板娘管账，下午三点后打电话最方便。",
    "周一店休。",
    "去年买过会员系统，考虑升级。",
    "对招生引流活动很感兴趣。",
    "离会场近，愿意带同行朋友来。",
    "老板常跑外地进货，找老板娘。",
    "店面刚装修完，想做开业活动。",
    "微信回复快，电话经常不接。",
];

const INVITATION_NOTES: &[&str] = &[
    "老板娘管钱，重点邀约。",
    "说会带隔壁店的朋友一起来。",
    "上次会销来过，这次想了解陪跑营。",
    "已加微信，发了会议邀请函。",
    "要求安排靠前的位置。",
];

const DECLINE_REASONS: &[&str] = &[
    "店里走不开，下次再来。",
    "已经在用别家的系统。",
    "老板出差，不在本地。",
    "最近资金紧张，先不考虑。",
    "那天孩子开家长会，时间冲突。",
];

const PAYMENT_METHODS: &[&str] = &["微信", "微信", "支付宝", "刷卡", "银行转账", "现金"];

const THINKING_NOTES: &[&str] = &[
    "说要和老公商量一下。",
    "觉得价格有点高，想再比较。",
    "想先看看同行用的效果。",
    "最近忙，过几天再说。",
    "对会员储值卡更感兴趣，发了资料。",
];

const LOST_NOTES: &[&str] = &[
    "明确不需要，暂不跟进。",
    "已经买了别家的产品。",
    "店面准备转让，不再考虑。",
];

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Fills an empty database with the demo organisation, all in one transaction.
pub fn load(app: &App, input: DemoInput) -> Result<DemoSummary> {
    let today = match input
        .today
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_today(s)?,
        // The demo organisation and its seminars are in Shanghai (TIMEZONE).
        None => crate::venue::today_in(app, Shanghai),
    };
    let summary = app.db.write(|tx| {
        refuse_if_not_empty(tx)?;
        let mut demo = Demo::new(tx, today);
        demo.settings()?;
        let staff = demo.staff()?;
        let stores = demo.stores()?;
        let products = demo.products()?;
        let closed = demo.seminar_closed(&staff, &stores, &products)?;
        demo.seminar_today(&staff, &stores)?;
        demo.seminar_next_week(&staff, &stores, &closed)?;
        demo.talks(&staff, &products)?;
        let count = |table: &str| -> Result<i64> {
            Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(DemoSummary {
            seminars: count("seminars")?,
            stores: count("stores")?,
        })
    })?;
    tracing::info!(%today, stores = summary.stores, seminars = summary.seminars, "demo data loaded");
    Ok(summary)
}

fn parse_today(s: &str) -> Result<NaiveDate> {
    let bad = || {
        invalid(
            "today",
            format!("日期“{s}”无效，请使用 2026-11-22 这样的格式（年份在 2000 到 2099 之间）。"),
            format!("Date “{s}” is not valid; use the form 2026-11-22 (a year from 2000 to 2099)."),
        )
    };
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    if !(2000..=2099).contains(&date.year()) {
        return Err(bad());
    }
    Ok(date)
}

fn refuse_if_not_empty(conn: &Connection) -> Result<()> {
    let used: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stores) OR EXISTS (SELECT 1 FROM seminars)",
        [],
        |r| r.get(0),
    )?;
    if used {
        return Err(Error::Conflict {
            zh: "数据库里已经有门店或会销，演示数据只能载入空数据库。请新建一个数据库文件（--db）再载入。"
                .into(),
            en: "The database already has stores or seminars; demo data can only be loaded into an empty one. \
                 Create a new database file (--db) and load it there."
                .into(),
        });
    }
    Ok(())
}

/// RFC 3339 UTC instant of a venue-local (Asia/Shanghai) date and second of the day.
fn stamp(date: NaiveDate, second_of_day: u32) -> String {
    let local = date
        .and_hms_opt(
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
        )
        .expect("a second of the day");
    Shanghai
        .from_local_datetime(&local)
        .earliest()
        .expect("Asia/Shanghai has no gaps")
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

const fn hm(h: u32, m: u32) -> u32 {
    h * 3600 + m * 60
}

/// Staff ids by role (a person with two roles is in both lists).
struct StaffIds {
    inviters: Vec<i64>,
    assistants: Vec<i64>,
    lecturers: Vec<i64>,
}

struct StoreRow {
    id: i64,
    city: usize,
    level: &'static str,
    key_customer: bool,
    contacts: Vec<ContactRow>,
}

/// The invitation names the owner's spouse, who usually holds the money.
fn holds_money(stores: &[StoreRow], inv: &Invited) -> bool {
    let store = &stores[inv.store];
    inv.guests.iter().any(|g| {
        store
            .contacts
            .iter()
            .any(|c| c.id == *g && c.role == ContactRole::OwnerSpouse)
    })
}

struct ContactRow {
    id: i64,
    role: ContactRole,
}

struct ProductRow {
    id: i64,
    /// (tier id, price in fen) for ranks 1, 2, 3.
    tiers: [(i64, i64); 3],
    /// Places at the limited price (rank 3).
    quota: i64,
}

/// One invitation as written, with what the later steps need.
struct Invited {
    id: i64,
    store: usize,
    status: InvitationStatus,
    guests: Vec<i64>,
    /// (contact id, ticket id)
    tickets: Vec<(i64, i64)>,
}

/// What the closed seminar leaves for the next one: the stores that bought.
struct ClosedSeminar {
    buyers: HashSet<usize>,
}

struct Demo<'c> {
    conn: &'c Connection,
    rng: StdRng,
    today: NaiveDate,
    phones: HashSet<String>,
}

impl<'c> Demo<'c> {
    fn new(conn: &'c Connection, today: NaiveDate) -> Demo<'c> {
        let seed = 0x4855_4958_4941_4f21
            ^ (today.num_days_from_ce() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Demo {
            conn,
            rng: StdRng::seed_from_u64(seed),
            today,
            phones: HashSet::new(),
        }
    }

    // --- small random helpers -----------------------------------------------------------------

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(&mut self.rng).expect("a non-empty list")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn day(&self, offset: i64) -> NaiveDate {
        self.today + Duration::days(offset)
    }

    /// A random second of the day in `[from, to)`.
    fn second(&mut self, from: u32, to: u32) -> u32 {
        self.rng.random_range(from..to)
    }

    /// A timestamp on `date` between `from` and `to` (seconds of the day, venue time).
    fn at(&mut self, date: NaiveDate, from: u32, to: u32) -> String {
        let s = self.second(from, to);
        stamp(date, s)
    }

    /// A random date in `[from, to]`.
    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Duration::days(self.rng.random_range(0..=span))
    }

    fn mobile(&mut self) -> String {
        loop {
            let prefix = self.pick(MOBILE_PREFIXES);
            let number = format!("{prefix}{:08}", self.rng.random_range(0..100_000_000u32));
            if self.phones.insert(number.clone()) {
                return number;
            }
        }
    }

    fn landline(&mut self, city: usize) -> String {
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

    fn person_name(&mut self, female: bool) -> String {
        let surname = self.pick(SURNAMES);
        let given = self.pick(if female { FEMALE_GIVEN } else { MALE_GIVEN });
        format!("{surname}{given}")
    }

    // --- organisation -------------------------------------------------------------------------

    fn settings(&mut self) -> Result<()> {
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

    fn staff(&mut self) -> Result<StaffIds> {
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

    // --- stores and contacts ------------------------------------------------------------------

    fn stores(&mut self) -> Result<Vec<StoreRow>> {
        let mut cities: Vec<usize> = CITIES
            .iter()
            .enumerate()
            .flat_map(|(i, c)| std::iter::repeat_n(i, c.stores))
            .collect();
        cities.shuffle(&mut self.rng);
        // Oldest first, so ids grow with the date a store was added.
        let mut ages: Vec<i64> = cities
            .iter()
            .map(|_| self.rng.random_range(21..720))
            .collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));

        let mut names = HashSet::new();
        let mut out: Vec<StoreRow> = Vec::with_capacity(cities.len());
        for (city, age) in cities.into_iter().zip(ages) {
            let created_on = self.day(-age);
            let created = self.at(created_on, hm(9, 0), hm(19, 0));
            let row = self.store(city, &created, &mut names, &out)?;
            out.push(row);
        }
        Ok(out)
    }

    fn store(
        &mut self,
        city: usize,
        created: &str,
        names: &mut HashSet<String>,
        earlier: &[StoreRow],
    ) -> Result<StoreRow> {
        let district =
            &CITIES[city].districts[self.rng.random_range(0..CITIES[city].districts.len())];
        let industry = self.industry(district.rural);
        let street = self.pick(district.streets);
        let name = self.store_name(industry, street, names);
        let address = format!("{street}{}号", self.rng.random_range(1..400));
        let level = match self.rng.random_range(0..100) {
            0..20 => "A",
            20..75 => "B",
            _ => "C",
        };
        let key_customer = self.chance(match level {
            "A" => 0.28,
            "B" => 0.07,
            _ => 0.02,
        });
        // About one store in twelve came through another store of the same city.
        let referrer = if earlier.len() > 20 && self.chance(0.08) {
            let same_city: Vec<i64> = earlier
                .iter()
                .filter(|s| s.city == city)
                .map(|s| s.id)
                .collect();
            same_city.choose(&mut self.rng).copied()
        } else {
            None
        };
        let note = if self.chance(0.12) {
            self.pick(STORE_NOTES)
        } else {
            ""
        };
        let input = StoreInput {
            name: name.clone(),
            city: CITIES[city].name.to_owned(),
            district: district.name.to_owned(),
            address: address.clone(),
            industry: industry.name.to_owned(),
            level: StoreLevel::parse(level).unwrap_or_default(),
            key_customer,
            referrer_id: referrer,
            referral_commission_bp: if referrer.is_some() { 500 } else { 0 },
            source: String::new(),
            note: note.to_owned(),
        };
        store::insert(self.conn, input, created)?;
        let id = self.conn.last_insert_rowid();
        let contacts = self.contacts(id, city, industry, created)?;
        Ok(StoreRow {
            id,
            city,
            level,
            key_customer,
            contacts,
        })
    }

    fn industry(&mut self, rural: bool) -> &'static Industry {
        let weight = |i: &Industry| if rural { i.rural } else { i.urban };
        let total: u32 = INDUSTRIES.iter().map(weight).sum();
        let mut n = self.rng.random_range(0..total);
        for industry in INDUSTRIES {
            if n < weight(industry) {
                return industry;
            }
            n -= weight(industry);
        }
        &INDUSTRIES[0]
    }

    /// A name from the industry's word lists, unique among the demo's stores. When the random
    /// tries are taken, the same brand opens a branch named after its street (“…（五一店）”).
    fn store_name(
        &mut self,
        industry: &Industry,
        street: &str,
        taken: &mut HashSet<String>,
    ) -> String {
        for _ in 0..30 {
            let name = format!(
                "{}{}",
                self.pick(industry.prefixes),
                self.pick(industry.suffixes)
            );
            if taken.insert(name.clone()) {
                return name;
            }
        }
        let branch = street_short(street);
        for prefix in industry.prefixes {
            for suffix in industry.suffixes {
                let name = format!("{prefix}{suffix}（{branch}店）");
                if taken.insert(name.clone()) {
                    return name;
                }
            }
        }
        // Never reached with the demo's numbers: every list has far more combinations than stores.
        format!(
            "{}{}（{branch}新店）",
            industry.prefixes[0], industry.suffixes[0]
        )
    }

    fn contacts(
        &mut self,
        store_id: i64,
        city: usize,
        industry: &Industry,
        created: &str,
    ) -> Result<Vec<ContactRow>> {
        let mut roles = Vec::new();
        let has_owner = self.chance(0.85);
        if has_owner {
            roles.push(ContactRole::Owner);
        }
        if self.chance(if has_owner { 0.7 } else { 0.9 }) {
            roles.push(ContactRole::OwnerSpouse);
        }
        if roles.len() < 3 && self.chance(0.25) {
            roles.push(ContactRole::Manager);
        }
        if roles.len() < 3 && self.chance(0.12) {
            roles.push(ContactRole::Staff);
        }
        if roles.is_empty() {
            roles.push(ContactRole::Manager);
        }
        let female_owner = self.chance(industry.female_owner);
        let mut out = Vec::new();
        for role in roles {
            let female = match role {
                ContactRole::Owner => female_owner,
                ContactRole::OwnerSpouse => !female_owner,
                ContactRole::Manager | ContactRole::Staff => self.chance(0.65),
            };
            let name = self.person_name(female);
            let raw = match role {
                ContactRole::Staff if self.chance(0.25) => None,
                ContactRole::Owner | ContactRole::Manager if self.chance(0.06) => {
                    Some(self.landline(city))
                }
                _ => Some(self.mobile()),
            };
            let input = ContactInput {
                name,
                role,
                phone: raw,
                opted_out: self.chance(0.03),
            };
            out.push(ContactRow {
                id: contact::insert(self.conn, store_id, input, created)?,
                role,
            });
        }
        Ok(out)
    }

    // --- products -----------------------------------------------------------------------------

    fn products(&mut self) -> Result<Vec<ProductRow>> {
        let catalogue: [(&str, &str, [i64; 3], i64); 3] = [
            (
                "招生裂变系统（年度版）",
                "门店招生拓客的社群裂变工具与小程序，含一年代运营指导。",
                [19_800, 12_800, 9_800],
                10,
            ),
            (
                "门店增长陪跑营（三个月）",
                "三个月线下陪跑：活动策划、员工话术、每周复盘。",
                [6_800, 4_980, 3_980],
                20,
            ),
            (
                "会员储值卡系统",
                "会员储值、积分与复购提醒，支持微信核销。",
                [3_980, 2_980, 1_980],
                30,
            ),
        ];
        let created = self.at(self.day(-90), hm(10, 0), hm(17, 0));
        let mut out = Vec::new();
        for (name, description, yuan, quota) in catalogue {
            let input = ProductInput {
                name: name.into(),
                description: description.into(),
                tiers: vec![
                    PriceTierInput {
                        name: "原价".into(),
                        price_fen: yuan[0] * 100,
                        quota: None,
                    },
                    PriceTierInput {
                        name: "会场价".into(),
                        price_fen: yuan[1] * 100,
                        quota: None,
                    },
                    PriceTierInput {
                        name: format!("前 {quota} 名限时价"),
                        price_fen: yuan[2] * 100,
                        quota: Some(quota),
                    },
                ],
            };
            let id = product::insert(self.conn, &input, &created)?;
            let p = product::get_in(self.conn, id)?;
            let tier = |i: usize| (p.tiers[i].id, p.tiers[i].price_fen);
            out.push(ProductRow {
                id,
                tiers: [tier(0), tier(1), tier(2)],
                quota,
            });
        }
        Ok(out)
    }

    // --- building blocks of a seminar ---------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn seminar(
        &mut self,
        title: String,
        date: NaiveDate,
        venue: &str,
        city: usize,
        lecturer: i64,
        status: SeminarStatus,
        created: &str,
    ) -> Result<i64> {
        let input = SeminarInput {
            title,
            date: date.format("%Y-%m-%d").to_string(),
            start_time: "14:00".into(),
            timezone: TIMEZONE.into(),
            venue: venue.into(),
            city: CITIES[city].name.into(),
            capacity: 120,
            lecturer_id: Some(lecturer),
            layout: SeatingLayout::RoundTables,
            attribution_days: 30,
            quota_policy: Default::default(),
        };
        // Written as an import of history: a past date is not refused here (only `create` refuses it).
        let clean = seminar::clean(self.conn, input)?;
        seminar::insert(self.conn, &clean, status, created)
    }

    /// Round tables of ten in rows of four, each with an assistant; returns the assistant per table.
    /// Round tables with their assistants: (table id, assistant id) each.
    fn tables(
        &mut self,
        seminar_id: i64,
        count: usize,
        assistants: &[i64],
    ) -> Result<Vec<(i64, i64)>> {
        let mut out = Vec::new();
        for i in 0..count {
            let assistant = assistants[i % assistants.len()];
            let table = TableInput {
                number: i as i64 + 1,
                shape: TableShape::Round,
                seats: 10,
                x: 160.0 + (i % 4) as f64 * 220.0,
                y: 200.0 + (i / 4) as f64 * 200.0,
                assistant_id: Some(assistant),
            };
            let id = seating::insert(self.conn, seminar_id, &table)?;
            out.push((id, assistant));
        }
        Ok(out)
    }

    /// Seats the guests of the arrived invitations table by table in arrival order, keeping seat 3
    /// of each table for its assistant; a guest who finds their table full stays unseated.
    fn seat(
        &mut self,
        seminar_id: i64,
        tables: &[(i64, i64)],
        invited: &[Invited],
        arrived: &[usize],
    ) -> Result<()> {
        const ASSISTANT_SEAT: i64 = 3;
        let mut next = vec![1i64; tables.len()];
        for &(table, _) in tables {
            self.conn.execute(
                "INSERT INTO table_assistant_seats (table_id, seat) VALUES (?1, ?2)",
                params![table, ASSISTANT_SEAT],
            )?;
        }
        for (pos, &k) in arrived.iter().enumerate() {
            let t = pos % tables.len();
            for &contact in &invited[k].guests {
                if next[t] == ASSISTANT_SEAT {
                    next[t] += 1;
                }
                if next[t] > 10 {
                    break;
                }
                self.conn.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![seminar_id, invited[k].id, contact, tables[t].0, next[t]],
                )?;
                next[t] += 1;
            }
        }
        Ok(())
    }

    /// The stores of `city` most worth inviting first: A-level and key customers ahead, with chance.
    fn choose_stores(
        &mut self,
        stores: &[StoreRow],
        city: usize,
        skip: &HashSet<usize>,
        n: usize,
    ) -> Vec<usize> {
        let mut scored: Vec<(f64, usize)> = Vec::new();
        for (i, s) in stores.iter().enumerate() {
            if s.city != city || skip.contains(&i) {
                continue;
            }
            let bonus = match s.level {
                "A" => 0.5,
                "B" => 0.25,
                _ => 0.0,
            } + if s.key_customer { 0.3 } else { 0.0 };
            scored.push((self.rng.random::<f64>() + bonus, i));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }

    /// Who comes: the one who holds the money first (usually the owner's spouse), sometimes with
    /// a second person of the store.
    fn guests(&mut self, store: &StoreRow) -> Vec<i64> {
        let rank = |r: ContactRole| match r {
            ContactRole::OwnerSpouse => 0,
            ContactRole::Owner => 1,
            ContactRole::Manager => 2,
            ContactRole::Staff => 3,
        };
        let mut people: Vec<&ContactRow> = store.contacts.iter().collect();
        people.sort_by_key(|c| (rank(c.role), c.id));
        // Now and then the inviter only reaches the owner.
        if people.len() > 1 && people[1].role == ContactRole::Owner && self.chance(0.2) {
            people.swap(0, 1);
        }
        let mut out = vec![people[0].id];
        if people.len() > 1 && self.chance(0.4) {
            out.push(people[1].id);
        }
        out
    }

    /// Invites each `(store, status)` on a date in `[from, to]` (ids grow with the date). Confirmed
    /// invitations get one ticket per guest, issued on or after the invitation and no later than `to`.
    fn invite(
        &mut self,
        seminar_id: i64,
        stores: &[StoreRow],
        staff: &StaffIds,
        picks: &[(usize, InvitationStatus)],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Invited>> {
        let mut dates: Vec<NaiveDate> = picks.iter().map(|_| self.date_between(from, to)).collect();
        dates.sort_unstable();
        let mut out = Vec::new();
        for (&(store, status), date) in picks.iter().zip(dates) {
            let created = self.at(date, hm(9, 0), hm(18, 0));
            let guests = self.guests(&stores[store]);
            let inviter = self.pick(&staff.inviters);
            let note = if self.chance(0.15) {
                self.pick(INVITATION_NOTES)
            } else {
                ""
            };
            let input = InvitationInput {
                seminar_id,
                store_id: stores[store].id,
                inviter_id: Some(inviter),
                contact_ids: guests.clone(),
                walk_in: false,
                note: note.into(),
            };
            let id = invitation::insert(self.conn, &input, status, &created)?;
            let mut tickets = Vec::new();
            match status {
                InvitationStatus::Declined => {
                    let reason = self.pick(DECLINE_REASONS);
                    self.conn.execute(
                        "UPDATE invitations SET decline_reason = ?2 WHERE id = ?1",
                        params![id, reason],
                    )?;
                }
                InvitationStatus::Confirmed => {
                    let later = date + Duration::days(self.rng.random_range(1..=3));
                    let issued = if later <= to {
                        self.at(later, hm(9, 0), hm(20, 0))
                    } else {
                        created.clone()
                    };
                    for &contact in &guests {
                        let code = ticket::code_from_rng(&mut self.rng);
                        let ticket_id =
                            ticket::insert_code(self.conn, id, Some(contact), &code, &issued)?;
                        tickets.push((contact, ticket_id));
                    }
                }
                InvitationStatus::Invited | InvitationStatus::Cancelled => {}
            }
            out.push(Invited {
                id,
                store,
                status,
                guests,
                tickets,
            });
        }
        Ok(out)
    }

    /// `n` statuses in a random order: so many confirmed, declined, invited and cancelled.
    fn statuses(
        &mut self,
        confirmed: usize,
        declined: usize,
        invited: usize,
        cancelled: usize,
    ) -> Vec<InvitationStatus> {
        let mut out = Vec::new();
        out.extend(std::iter::repeat_n(InvitationStatus::Confirmed, confirmed));
        out.extend(std::iter::repeat_n(InvitationStatus::Declined, declined));
        out.extend(std::iter::repeat_n(InvitationStatus::Invited, invited));
        out.extend(std::iter::repeat_n(InvitationStatus::Cancelled, cancelled));
        out.shuffle(&mut self.rng);
        out
    }

    /// Check-ins on `date` of the given invitations, each `(invitation, second its first guest
    /// arrives)`, written in arrival order. The first guest always comes (sometimes with
    /// companions), a second one usually, a few minutes later. Returns the invitations in the
    /// order their first person arrived.
    fn check_in(
        &mut self,
        invited: &[Invited],
        which: &[(usize, u32)],
        date: NaiveDate,
    ) -> Result<Vec<usize>> {
        struct Arrival {
            second: u32,
            inv: usize,
            contact: i64,
            ticket: Option<i64>,
            companions: i64,
            station: &'static str,
        }
        let mut arrivals = Vec::new();
        for &(k, first) in which {
            let inv = &invited[k];
            for (j, &contact) in inv.guests.iter().enumerate() {
                if j > 0 && !self.chance(0.85) {
                    continue;
                }
                let companions = if j == 0 {
                    match self.rng.random_range(0..100) {
                        0..72 => 0,
                        72..97 => 1,
                        _ => 2,
                    }
                } else {
                    0
                };
                let ticket = inv
                    .tickets
                    .iter()
                    .find(|(c, _)| *c == contact)
                    .map(|(_, t)| *t);
                arrivals.push(Arrival {
                    second: first + j as u32 * self.rng.random_range(0..240),
                    inv: k,
                    contact,
                    ticket,
                    companions,
                    station: self.pick(&["入口签到台", "入口签到台", "侧门签到台"]),
                });
            }
        }
        arrivals.sort_by_key(|a| (a.second, invited[a.inv].id, a.contact));
        let mut order = Vec::new();
        for a in &arrivals {
            checkin::record(
                self.conn,
                invited[a.inv].id,
                a.ticket,
                Some(a.contact),
                &stamp(date, a.second),
                a.station,
                a.companions,
            )?;
            if !order.contains(&a.inv) {
                order.push(a.inv);
            }
        }
        Ok(order)
    }

    #[allow(clippy::too_many_arguments)]
    fn deal(
        &mut self,
        seminar_id: i64,
        store: &StoreRow,
        contact: Option<i64>,
        product: &ProductRow,
        rank: usize,
        payment: Payment,
        assistant: i64,
        note: &str,
        at: &str,
    ) -> Result<i64> {
        let method = if payment == Payment::Promised {
            String::new()
        } else {
            self.pick(PAYMENT_METHODS).to_owned()
        };
        let (tier_id, price) = product.tiers[rank];
        let input = DealInput {
            seminar_id: Some(seminar_id),
            store_id: store.id,
            contact_id: contact,
            product_id: product.id,
            tier_id: Some(tier_id),
            quantity: 1,
            amount_fen: price,
            payment,
            method,
            assistant_id: Some(assistant),
            note: note.into(),
            reason: String::new(),
        };
        deal::insert(self.conn, &input, at, "organizer").map(|(id, _)| id)
    }

    // --- the three seminars -------------------------------------------------------------------

    /// Two weeks ago in 长沙: 60 invited, 38 came plus two walk-ins, more closed deals than
    /// attending stores, and the follow-ups of the stores that did not buy on the day.
    fn seminar_closed(
        &mut self,
        staff: &StaffIds,
        stores: &[StoreRow],
        products: &[ProductRow],
    ) -> Result<ClosedSeminar> {
        let date = self.day(-14);
        let created = self.at(date - Duration::days(40), hm(10, 0), hm(12, 0));
        let title = format!("{} 门店拓客增长研讨会（长沙站）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "华天大酒店 3楼 宴会厅",
            CHANGSHA,
            staff.lecturers[1],
            SeminarStatus::Closed,
            &created,
        )?;
        let tables = self.tables(seminar_id, 8, &staff.assistants)?;

        let chosen = self.choose_stores(stores, CHANGSHA, &HashSet::new(), 62);
        let (invitees, walk_ins) = chosen.split_at(60);
        let statuses = self.statuses(50, 5, 3, 2);
        let picks: Vec<(usize, InvitationStatus)> =
            invitees.iter().copied().zip(statuses).collect();
        let mut invited = self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            date - Duration::days(35),
            date - Duration::days(2),
        )?;

        // 38 of the 50 confirmed stores come.
        let mut confirmed: Vec<usize> = (0..invited.len())
            .filter(|&k| invited[k].status == InvitationStatus::Confirmed)
            .collect();
        confirmed.shuffle(&mut self.rng);
        confirmed.truncate(38);
        confirmed.sort_unstable();
        let mut coming: Vec<(usize, u32)> = Vec::new();
        for k in confirmed {
            coming.push((k, self.second(hm(13, 5), hm(14, 15))));
        }

        // Two stores nobody invited come along with friends: invitations made at the door.
        for &store in walk_ins {
            let second = self.second(hm(13, 30), hm(13, 55));
            let at = stamp(date, second);
            let guests = vec![self.guests(&stores[store])[0]];
            let input = InvitationInput {
                seminar_id,
                store_id: stores[store].id,
                inviter_id: None,
                contact_ids: guests.clone(),
                walk_in: true,
                note: "现场到访，被同行朋友带来。".into(),
            };
            let id = invitation::insert(self.conn, &input, InvitationStatus::Confirmed, &at)?;
            coming.push((invited.len(), second + self.rng.random_range(30..180)));
            invited.push(Invited {
                id,
                store,
                status: InvitationStatus::Confirmed,
                guests,
                tickets: Vec::new(),
            });
        }

        let arrived = self.check_in(&invited, &coming, date)?;
        // Seated in arrival order around the tables; a store's assistant is its table's.
        self.seat(seminar_id, &tables, &invited, &arrived)?;
        let assistant_of = |k: usize| {
            let pos = arrived.iter().position(|&a| a == k).expect("arrived");
            tables[pos % tables.len()].1
        };
        let (buyers, promised) = self.event_deals(
            seminar_id,
            date,
            stores,
            products,
            &invited,
            &arrived,
            &assistant_of,
        )?;
        let mut closed_stores: HashSet<usize> = buyers.iter().map(|&k| invited[k].store).collect();
        // Those who only promised come last: they are still thinking it over.
        let mut not_bought: Vec<usize> = arrived
            .iter()
            .copied()
            .filter(|k| !buyers.contains(k) && !promised.contains(k))
            .collect();
        // In follow-up too, the money-holder decides sooner.
        not_bought.sort_by_key(|&k| !holds_money(stores, &invited[k]));
        not_bought.extend(promised);
        let converted = self.follow_ups(
            seminar_id,
            date,
            stores,
            products,
            &invited,
            &not_bought,
            &assistant_of,
        )?;
        closed_stores.extend(converted.iter().map(|&k| invited[k].store));
        Ok(ClosedSeminar {
            buyers: closed_stores,
        })
    }

    /// Deals on the day, after the price reveal: about two stores in three buy, many of them two
    /// or three products (companions buy too), so closed deals outnumber attending stores. Three
    /// stores only promise; one deal is refunded later and one is cancelled. Returns the
    /// invitations with a closed deal and those with a promise only.
    #[allow(clippy::too_many_arguments)]
    fn event_deals(
        &mut self,
        seminar_id: i64,
        date: NaiveDate,
        stores: &[StoreRow],
        products: &[ProductRow],
        invited: &[Invited],
        arrived: &[usize],
        assistant_of: &dyn Fn(usize) -> i64,
    ) -> Result<(Vec<usize>, Vec<usize>)> {
        struct Planned {
            second: u32,
            inv: usize,
            contact: Option<i64>,
            product: usize,
            payment: Payment,
            state: Option<&'static str>,
            note: &'static str,
        }
        let attended = arrived.len();
        // Who buys: chance, but the owner's spouse — who holds the money — tips the balance.
        let mut order: Vec<(f64, usize)> = arrived
            .iter()
            .map(|&k| {
                let bonus = if holds_money(stores, &invited[k]) {
                    0.45
                } else {
                    0.0
                };
                (self.rng.random::<f64>() + bonus, k)
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0));
        let order: Vec<usize> = order.into_iter().map(|(_, k)| k).collect();
        let buyers_n = attended * 13 / 20;
        let (buyers, others) = order.split_at(buyers_n);
        let target = attended + attended / 10 + 1;

        // How many deals each buying store makes (1 to 3), adding up to `target`.
        let mut per_store = vec![1usize; buyers.len()];
        let mut extra = target.saturating_sub(buyers.len());
        while extra > 0 {
            let i = self.rng.random_range(0..per_store.len());
            if per_store[i] < 3 {
                per_store[i] += 1;
                extra -= 1;
            }
        }

        let mut plan = Vec::new();
        let closing = |d: &mut Demo| d.second(hm(15, 35), hm(17, 30));
        for (&k, &n) in buyers.iter().zip(&per_store) {
            let inv = &invited[k];
            let mut bought: Vec<usize> = vec![0, 1, 2];
            bought.shuffle(&mut self.rng);
            // Most first buy the flagship system.
            if self.chance(0.6) {
                let pos = bought.iter().position(|&p| p == 0).expect("flagship");
                bought.swap(0, pos);
            }
            for (j, &product) in bought.iter().take(n).enumerate() {
                let (contact, note) = if j == 0 {
                    (inv.guests.first().copied(), "")
                } else if let Some(&second) = inv.guests.get(1) {
                    (Some(second), "同来的家人也下了一单。")
                } else {
                    (
                        inv.guests.first().copied(),
                        "同行的朋友一起下单，记在本店名下。",
                    )
                };
                let payment = if self.chance(0.55) {
                    Payment::Full
                } else {
                    Payment::Deposit
                };
                let note = if note.is_empty() && payment == Payment::Deposit {
                    "已付定金，尾款会后七天内付清。"
                } else {
                    note
                };
                plan.push(Planned {
                    second: closing(self),
                    inv: k,
                    contact,
                    product,
                    payment,
                    state: None,
                    note,
                });
            }
        }
        // Three stores only promise to pay.
        let promised: Vec<usize> = others.iter().copied().take(3).collect();
        for &k in &promised {
            plan.push(Planned {
                second: closing(self),
                inv: k,
                contact: invited[k].guests.first().copied(),
                product: 0,
                payment: Payment::Promised,
                state: None,
                note: "答应月底前付款，先占名额。",
            });
        }
        // One deal refunded after the event, one cancelled (neither counts).
        for (i, (state, note)) in [
            ("refunded", "家里人不同意，三天后全额退款。"),
            ("cancelled", "改买陪跑营，原单作废。"),
        ]
        .into_iter()
        .enumerate()
        {
            let k = buyers[i];
            plan.push(Planned {
                second: closing(self),
                inv: k,
                contact: invited[k].guests.first().copied(),
                product: if i == 0 { 2 } else { 0 },
                payment: if i == 0 {
                    Payment::Full
                } else {
                    Payment::Deposit
                },
                state: Some(state),
                note,
            });
        }

        plan.sort_by_key(|p| (p.second, invited[p.inv].id, p.product));
        // The limited tier goes to the first paying buyers of each product, up to its quota.
        let mut limited_used = vec![0i64; products.len()];
        for p in &plan {
            let product = &products[p.product];
            let paying = p.payment != Payment::Promised && p.state.is_none();
            let rank = if paying && limited_used[p.product] < product.quota {
                limited_used[p.product] += 1;
                2
            } else {
                1
            };
            let id = self.deal(
                seminar_id,
                &stores[invited[p.inv].store],
                p.contact,
                product,
                rank,
                p.payment,
                assistant_of(p.inv),
                p.note,
                &stamp(date, p.second),
            )?;
            if let Some(state) = p.state {
                self.conn.execute(
                    "UPDATE deals SET state = ?2 WHERE id = ?1",
                    params![id, state],
                )?;
            }
        }
        Ok((buyers.to_vec(), promised))
    }

    /// Follow-ups of the attending stores that did not buy on the day, owned by their table's
    /// assistant: a call on D+1, a message on D+3, a visit or call on D+7, and a call due today for
    /// those still thinking it over. Five stores buy during follow-up (within the attribution
    /// window); four are lost. Returns the invitations that converted.
    #[allow(clippy::too_many_arguments)]
    fn follow_ups(
        &mut self,
        seminar_id: i64,
        date: NaiveDate,
        stores: &[StoreRow],
        products: &[ProductRow],
        invited: &[Invited],
        not_bought: &[usize],
        assistant_of: &dyn Fn(usize) -> i64,
    ) -> Result<Vec<usize>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Fate {
            BuysDay3,
            BuysDay7,
            Thinking,
            LostDay3,
            LostDay7,
        }
        let created = self.at(date, hm(20, 0), hm(21, 0));
        let mut converted = Vec::new();
        for (n, &k) in not_bought.iter().enumerate() {
            let fate = match n {
                0..3 => Fate::BuysDay3,
                3..5 => Fate::BuysDay7,
                5..7 => Fate::LostDay3,
                7..9 => Fate::LostDay7,
                _ => Fate::Thinking,
            };
            let store = &stores[invited[k].store];
            let owner = assistant_of(k);
            let steps: [(i64, Channel); 3] = [
                (1, Channel::Call),
                (3, Channel::Message),
                (7, Channel::Visit),
            ];
            for (day, channel) in steps {
                let due = date + Duration::days(day);
                let done = self.at(due, hm(10, 0), hm(18, 0));
                let channel = if day == 7 && self.chance(0.5) {
                    Channel::Call
                } else {
                    channel
                };
                let (outcome, note) = match (day, fate) {
                    (3, Fate::BuysDay3) | (7, Fate::BuysDay7) => {
                        let full = self.chance(0.5);
                        let contact = invited[k].guests.first().copied();
                        let product = &products[if self.chance(0.7) { 0 } else { 1 }];
                        let payment = if full {
                            Payment::Full
                        } else {
                            Payment::Deposit
                        };
                        self.deal(
                            seminar_id,
                            store,
                            contact,
                            product,
                            1,
                            payment,
                            owner,
                            "会后跟进成交，按会场价。",
                            &done,
                        )?;
                        if full {
                            (FollowUpOutcome::Closed, "按会场价全款成交。")
                        } else {
                            (FollowUpOutcome::Deposit, "交了定金，按会场价保留名额。")
                        }
                    }
                    (3, Fate::LostDay3) | (7, Fate::LostDay7) => {
                        (FollowUpOutcome::Lost, self.pick(LOST_NOTES))
                    }
                    _ => (FollowUpOutcome::Thinking, self.pick(THINKING_NOTES)),
                };
                followup::insert(
                    self.conn,
                    &NewFollowUp {
                        seminar_id,
                        store_id: store.id,
                        owner_id: Some(owner),
                        channel,
                        due_date: &due.format("%Y-%m-%d").to_string(),
                        outcome: Some(outcome),
                        note,
                        done_at: Some(&done),
                    },
                    &created,
                )?;
                if outcome != FollowUpOutcome::Thinking {
                    break;
                }
            }
            match fate {
                Fate::BuysDay3 | Fate::BuysDay7 => converted.push(k),
                Fate::Thinking => {
                    followup::insert(
                        self.conn,
                        &NewFollowUp {
                            seminar_id,
                            store_id: store.id,
                            owner_id: Some(owner),
                            channel: Channel::Call,
                            due_date: &self.today.format("%Y-%m-%d").to_string(),
                            outcome: None,
                            note: "会场价保留到本周末，再打一次电话。",
                            done_at: None,
                        },
                        &created,
                    )?;
                }
                Fate::LostDay3 | Fate::LostDay7 => {}
            }
        }
        Ok(converted)
    }

    /// Today in 株洲, live: 50 invited, 44 confirmed with tickets, tables set, a few early arrivals.
    fn seminar_today(&mut self, staff: &StaffIds, stores: &[StoreRow]) -> Result<()> {
        let date = self.today;
        let created = self.at(date - Duration::days(30), hm(10, 0), hm(12, 0));
        let title = format!("{} 实体门店会员增长峰会（株洲站）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "神农大酒店 2楼 国际会议厅",
            ZHUZHOU,
            staff.lecturers[0],
            SeminarStatus::Live,
            &created,
        )?;
        let tables = self.tables(seminar_id, 10, &staff.assistants)?;
        let chosen = self.choose_stores(stores, ZHUZHOU, &HashSet::new(), 50);
        let statuses = self.statuses(44, 3, 2, 1);
        let picks: Vec<(usize, InvitationStatus)> = chosen.into_iter().zip(statuses).collect();
        let invited = self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            date - Duration::days(28),
            date - Duration::days(1),
        )?;
        // Everyone confirmed has a seat, so the door can say which table.
        let confirmed: Vec<usize> = (0..invited.len())
            .filter(|&k| invited[k].status == InvitationStatus::Confirmed)
            .collect();
        self.seat(seminar_id, &tables, &invited, &confirmed)?;
        let mut early = confirmed;
        early.shuffle(&mut self.rng);
        early.truncate(6);
        early.sort_unstable();
        let mut arrivals = Vec::new();
        for k in early {
            arrivals.push((k, self.second(hm(13, 15), hm(13, 45))));
        }
        self.check_in(&invited, &arrivals, date)?;
        Ok(())
    }

    /// Next week in 长沙, still inviting: 40 stores (none that bought two weeks ago), mixed answers.
    fn seminar_next_week(
        &mut self,
        staff: &StaffIds,
        stores: &[StoreRow],
        closed: &ClosedSeminar,
    ) -> Result<()> {
        let date = self.day(7);
        let created = self.at(self.day(-12), hm(10, 0), hm(12, 0));
        let title = format!("{} 门店招生拓客研讨会（长沙站·第二期）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "通程国际大酒店 5楼 湘江厅",
            CHANGSHA,
            staff.lecturers[1],
            SeminarStatus::Inviting,
            &created,
        )?;
        self.tables(seminar_id, 8, &staff.assistants)?;
        let chosen = self.choose_stores(stores, CHANGSHA, &closed.buyers, 40);
        let statuses = self.statuses(16, 5, 19, 0);
        let picks: Vec<(usize, InvitationStatus)> = chosen.into_iter().zip(statuses).collect();
        self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            self.day(-10),
            self.day(-1),
        )?;
        Ok(())
    }
}

impl Demo<'_> {
    /// Every seminar gets the default script (its price plan: the first product) and the default
    /// set-up checklist, items assigned in turn to the assistants. The closed seminar's checklist
    /// is all ticked and its stage log filled in; today's is half done. No randomness: the rest of
    /// the demo stays as it was.
    fn talks(&mut self, staff: &StaffIds, products: &[ProductRow]) -> Result<()> {
        let seminars: Vec<(i64, String, String)> = self
            .conn
            .prepare("SELECT id, date, status FROM seminars ORDER BY date")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, date, status) in seminars {
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("demo dates");
            let prepared = stamp(date - Duration::days(3), hm(10, 0));
            crate::script::copy_template_in(self.conn, id, None, &prepared)?;
            self.conn.execute(
                "UPDATE scripts SET product_id = ?2 WHERE seminar_id = ?1",
                params![id, products[0].id],
            )?;
            crate::checklist::copy_in(self.conn, id, None)?;
            let items: Vec<i64> = self
                .conn
                .prepare("SELECT id FROM checklist_items WHERE seminar_id = ?1 ORDER BY position")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let ticked = match status.as_str() {
                "closed" => items.len(),
                "live" => items.len() / 2,
                _ => 0,
            };
            for (i, item) in items.iter().enumerate() {
                let who = staff.assistants[i % staff.assistants.len()];
                self.conn.execute(
                    "UPDATE checklist_items SET assignee_id = ?2 WHERE id = ?1",
                    params![item, who],
                )?;
                if i < ticked {
                    self.conn.execute(
                        "UPDATE checklist_items SET done_at = ?2, done_by = 'organizer' WHERE id = ?1",
                        params![item, stamp(date, hm(11, 0) + 240 * i as u32)],
                    )?;
                }
            }
            if status == "closed" {
                self.stage_log(id, date)?;
            }
        }
        Ok(())
    }

    /// The closed seminar's talk: it started five minutes late, the pain points and the price
    /// reveal ran long.
    fn stage_log(&mut self, seminar_id: i64, date: NaiveDate) -> Result<()> {
        const OVER: [i64; 6] = [90, 300, 420, -120, 60, 540];
        let (_, _, body, _) = crate::script::body_of(self.conn, seminar_id)?;
        let mut at = hm(14, 5) as i64;
        for (stage, over) in body.stages.iter().zip(OVER) {
            crate::stagelog::start_in(self.conn, seminar_id, stage, &stamp(date, at as u32))?;
            at += stage.target_minutes * 60 + over;
        }
        crate::stagelog::end_in(self.conn, seminar_id, &stamp(date, at as u32))
    }
}

/// "五一大道" → "五一", "芙蓉中路" → "芙蓉": how a branch is named after its street.
fn street_short(street: &str) -> &str {
    for end in ["大道", "中路", "南路", "北路", "东路", "西路", "路", "街"] {
        if let Some(s) = street.strip_suffix(end) {
            if s.chars().count() >= 2 {
                return s;
            }
        }
    }
    street
}

/// A seminar on `date` with `guests` confirmed single-guest stores, each with a ticket, in one
/// transaction — for load tests and benchmarks of the door. Returns the seminar and the codes.
pub fn door_load(app: &App, date: &str, guests: usize) -> Result<(i64, Vec<String>)> {
    let now = app.now_str();
    let mut rng = rand::rngs::StdRng::seed_from_u64(guests as u64);
    app.db.write(|tx| {
        tx.execute(
            "INSERT INTO seminars (title, date, start_time, capacity, city, status, created_at)
             VALUES ('门店增长压力测试会', ?1, '14:00', ?2, '长沙', 'live', ?3)",
            params![date, guests as i64 + 10, now],
        )?;
        let seminar = tx.last_insert_rowid();
        let mut codes = Vec::with_capacity(guests);
        for i in 0..guests {
            tx.execute(
                "INSERT INTO stores (name, city, created_at) VALUES (?1, '长沙', ?2)",
                params![format!("测试门店{i:05}"), now],
            )?;
            let store = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
                 VALUES (?1, ?2, 'owner_spouse', ?3, 'mobile', ?4)",
                params![store, format!("测试客人{i:05}"), format!("137{i:08}"), now],
            )?;
            let contact = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO invitations (seminar_id, store_id, status, created_at) VALUES (?1, ?2, 'confirmed', ?3)",
                params![seminar, store, now],
            )?;
            let invitation = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
                [invitation, contact],
            )?;
            let code = crate::ticket::code_from_rng(&mut rng);
            crate::ticket::insert_code(tx, invitation, Some(contact), &code, &now)?;
            codes.push(code);
        }
        Ok((seminar, codes))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Clock;
    use crate::phone::{self, PhoneKind};

    fn load_on(app: &App, today: &str) -> Result<DemoSummary> {
        load(
            app,
            DemoInput {
                today: Some(today.into()),
            },
        )
    }

    fn dump(app: &App) -> String {
        crate::db::dump(&app.db.conn()).unwrap()
    }

    fn count(app: &App, sql: &str) -> i64 {
        app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn texts(app: &App, sql: &str) -> Vec<String> {
        let conn = app.db.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows
    }

    #[test]
    fn same_today_gives_identical_tables_whatever_the_clock() {
        let a = App::in_memory().unwrap();
        let b = App::in_memory()
            .unwrap()
            .with_clock(Clock::Fixed("2031-03-04T05:06:07Z".parse().unwrap()));
        load_on(&a, "2026-11-22").unwrap();
        load_on(&b, "2026-11-22").unwrap();
        let (da, db) = (dump(&a), dump(&b));
        assert!(da.len() > 10_000);
        assert_eq!(da, db);

        let c = App::in_memory().unwrap();
        load_on(&c, "2026-11-23").unwrap();
        assert_ne!(da, dump(&c), "another day gives other data");
    }

    #[test]
    fn refuses_a_database_that_is_not_empty_and_writes_nothing() {
        let app = App::in_memory().unwrap();
        crate::store::create(
            &app,
            crate::store::StoreInput {
                name: "自家小店".into(),
                city: String::new(),
                district: String::new(),
                address: String::new(),
                industry: String::new(),
                level: crate::store::StoreLevel::B,
                key_customer: false,
                referrer_id: None,
                referral_commission_bp: 0,
                source: String::new(),
                note: String::new(),
            },
        )
        .unwrap();
        let before = dump(&app);
        let e = load_on(&app, "2026-11-22").unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.message(crate::i18n::Lang::Zh).contains("空数据库"));
        assert_eq!(dump(&app), before);

        // Loading twice: the second load is refused too.
        let fresh = App::in_memory().unwrap();
        load_on(&fresh, "2026-11-22").unwrap();
        let loaded = dump(&fresh);
        assert_eq!(
            load_on(&fresh, "2026-11-22").unwrap_err().code(),
            "conflict"
        );
        assert_eq!(dump(&fresh), loaded);
    }

    #[test]
    fn a_bad_today_is_refused_on_its_field() {
        let app = App::in_memory().unwrap();
        for bad in ["2026-13-01", "22.11.2026", "1900-01-01"] {
            let e = load_on(&app, bad).unwrap_err();
            assert_eq!(e.field(), Some("today"), "{bad}");
        }
        assert_eq!(count(&app, "SELECT count(*) FROM staff"), 0);
    }

    #[test]
    fn three_seminars_closed_live_and_inviting_around_today() {
        let app = App::in_memory().unwrap();
        let summary = load_on(&app, "2026-11-22").unwrap();
        assert_eq!(summary.seminars, 3);
        let list = seminar::list(&app).unwrap();
        let got: Vec<(String, SeminarStatus)> =
            list.iter().map(|s| (s.date.clone(), s.status)).collect();
        assert_eq!(
            got,
            vec![
                ("2026-11-29".into(), SeminarStatus::Inviting),
                ("2026-11-22".into(), SeminarStatus::Live),
                ("2026-11-08".into(), SeminarStatus::Closed),
            ]
        );
        let (next, now, past) = (&list[0], &list[1], &list[2]);
        assert_eq!((past.invited, past.attended), (62, 40));
        assert!(now.invited >= 45 && now.confirmed >= 40, "{now:?}");
        assert!(next.invited >= 35 && next.confirmed > 0 && next.confirmed < next.invited);
        for s in &list {
            assert!(s.lecturer_id.is_some());
            let tables =
                seating::list(&app, crate::input::SeminarScope { seminar_id: s.id }).unwrap();
            assert!(tables.len() >= 6 && tables.iter().all(|t| t.assistant_id.is_some()));
        }
        // Every confirmed guest of the live seminar holds a ticket of 26 characters.
        let codes = texts(
            &app,
            &format!("SELECT t.code FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE i.seminar_id = {}", now.id),
        );
        assert!(codes.len() >= now.confirmed as usize);
        assert!(codes.iter().all(|c| c.len() == 26));
        // A new seminar in the past is still refused through the API.
        let e = seminar::create(
            &app,
            SeminarInput {
                title: "补录".into(),
                date: "2020-01-01".into(),
                start_time: "14:00".into(),
                timezone: TIMEZONE.into(),
                venue: String::new(),
                city: String::new(),
                capacity: 50,
                lecturer_id: None,
                layout: SeatingLayout::RoundTables,
                attribution_days: 30,
                quota_policy: Default::default(),
            },
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("date"));
    }

    #[test]
    fn the_closed_seminar_has_more_closed_deals_than_attending_stores() {
        let app = App::in_memory().unwrap();
        load_on(&app, "2026-11-22").unwrap();
        let id = count(&app, "SELECT id FROM seminars WHERE status = 'closed'");
        let attended = count(
            &app,
            &format!(
                "SELECT count(DISTINCT c.invitation_id) FROM checkins c JOIN invitations i ON i.id = c.invitation_id
                 WHERE i.seminar_id = {id} AND c.undone_at IS NULL"
            ),
        );
        let closed = count(
            &app,
            &format!(
                "SELECT count(*) FROM deals WHERE seminar_id = {id} AND payment IN ('deposit', 'full') AND state = 'active'"
            ),
        );
        assert!(attended >= 35, "{attended}");
        assert!(
            closed as f64 / attended as f64 > 1.0,
            "{closed} / {attended}"
        );
        for state in ["refunded", "cancelled"] {
            assert_eq!(
                count(
                    &app,
                    &format!("SELECT count(*) FROM deals WHERE state = '{state}'")
                ),
                1
            );
        }
        assert!(
            count(
                &app,
                "SELECT count(*) FROM deals WHERE payment = 'promised'"
            ) >= 1
        );
        assert_eq!(
            count(&app, "SELECT count(*) FROM invitations WHERE walk_in"),
            2
        );
        // Follow-ups: done ones with outcomes, and some due today still open.
        assert!(
            count(
                &app,
                "SELECT count(*) FROM followups WHERE outcome IS NOT NULL AND done_at IS NOT NULL"
            ) > 10
        );
        assert!(
            count(
                &app,
                "SELECT count(*) FROM followups WHERE due_date = '2026-11-22' AND done_at IS NULL"
            ) > 0
        );
        // Follow-up deals fall inside the attribution window, after the event day.
        assert!(
            count(
                &app,
                "SELECT count(*) FROM deals WHERE at > '2026-11-09' AND payment <> 'promised'"
            ) >= 3
        );
        // Follow-ups of a seminar are owned by assistants.
        let owners = texts(
            &app,
            "SELECT DISTINCT s.roles FROM followups f JOIN staff s ON s.id = f.owner_id",
        );
        assert!(owners.iter().all(|r| r.contains("assistant")), "{owners:?}");
    }

    #[test]
    fn about_three_hundred_stores_in_two_cities_with_real_names_and_valid_phones() {
        let app = App::in_memory().unwrap();
        let summary = load_on(&app, "2026-11-22").unwrap();
        assert!((280..=320).contains(&summary.stores), "{}", summary.stores);
        assert_eq!(
            texts(&app, "SELECT DISTINCT city FROM stores ORDER BY city"),
            vec!["株洲", "长沙"]
        );
        assert_eq!(
            count(&app, "SELECT count(*) - count(DISTINCT name) FROM stores"),
            0,
            "no duplicate names"
        );
        let has_digit = |s: &str| {
            s.chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        };
        for sql in [
            "SELECT name FROM stores",
            "SELECT name FROM contacts",
            "SELECT name FROM staff",
        ] {
            for name in texts(&app, sql) {
                assert!(!has_digit(&name) && !name.trim().is_empty(), "{name}");
            }
        }
        let key = count(&app, "SELECT count(*) FROM stores WHERE key_customer");
        let referred = count(
            &app,
            "SELECT count(*) FROM stores WHERE referrer_id IS NOT NULL",
        );
        assert!((10..=60).contains(&key), "{key}");
        assert!((8..=45).contains(&referred), "{referred}");
        assert!(
            count(&app, "SELECT count(*) FROM stores WHERE level = 'B'")
                > count(&app, "SELECT count(*) FROM stores WHERE level = 'A'")
        );
        assert!(
            count(
                &app,
                "SELECT count(*) FROM contacts WHERE role = 'owner_spouse'"
            ) > 150
        );
        assert!(count(&app, "SELECT count(*) FROM contacts WHERE opted_out") > 0);
        assert!(
            count(
                &app,
                "SELECT count(*) FROM contacts WHERE phone_kind = 'landline'"
            ) > 0
        );

        let mobiles = texts(
            &app,
            "SELECT phone FROM contacts WHERE phone_kind = 'mobile' UNION ALL SELECT phone FROM staff WHERE phone IS NOT NULL",
        );
        assert!(mobiles.len() > 300);
        for m in mobiles {
            let p = phone::parse(&m, "phone").unwrap();
            assert_eq!((p.number.as_str(), p.kind), (m.as_str(), PhoneKind::Mobile));
        }
        for l in texts(
            &app,
            "SELECT phone FROM contacts WHERE phone_kind = 'landline'",
        ) {
            assert_eq!(
                phone::parse(&l, "phone").unwrap().kind,
                PhoneKind::Landline,
                "{l}"
            );
        }

        // Staff of every role; products with three tiers.
        for role in ["organizer", "inviter", "assistant", "lecturer", "checkin"] {
            assert!(
                count(
                    &app,
                    &format!("SELECT count(*) FROM staff WHERE roles LIKE '%\"{role}\"%'")
                ) > 0,
                "{role}"
            );
        }
        for p in product::list(&app).unwrap() {
            assert_eq!(p.tiers.len(), 3);
            assert!(
                p.tiers[0].price_fen > p.tiers[1].price_fen
                    && p.tiers[1].price_fen > p.tiers[2].price_fen
            );
            assert!(p.tiers[2].quota.is_some());
        }
    }

    #[test]
    fn street_names_shorten_for_branches() {
        assert_eq!(street_short("五一大道"), "五一");
        assert_eq!(street_short("芙蓉中路"), "芙蓉");
        assert_eq!(street_short("坡子街"), "坡子");
        assert_eq!(street_short("八一路"), "八一");
    }
}
