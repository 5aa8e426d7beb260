//! The demo's ~300 stores in two cities, with their contacts: districts and streets, industries
//! and the names they give their shops.

use std::collections::HashSet;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;

use super::{hm, Demo};
use crate::contact::{self, ContactInput, ContactRole};
use crate::error::Result;
use crate::store::{self, StoreInput, StoreLevel};

struct District {
    name: &'static str,
    streets: &'static [&'static str],
    /// Counties and county-level cities: more farm-supply stores, fewer salons.
    rural: bool,
}

pub(super) struct City {
    pub(super) name: &'static str,
    stores: usize,
    /// First digit of the 8-digit local landline numbers (area code 0731 for both cities).
    pub(super) landline_lead: char,
    districts: &'static [District],
}

pub(super) const CHANGSHA: usize = 0;
pub(super) const ZHUZHOU: usize = 1;

#[rustfmt::skip]
pub(super) const CITIES: &[City] = &[
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

pub(super) struct StoreRow {
    pub(super) id: i64,
    pub(super) city: usize,
    pub(super) level: &'static str,
    pub(super) key_customer: bool,
    pub(super) contacts: Vec<ContactRow>,
}

pub(super) struct ContactRow {
    pub(super) id: i64,
    pub(super) role: ContactRole,
}

impl Demo<'_> {
    pub(super) fn stores(&mut self) -> Result<Vec<StoreRow>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::demo::tests::{count, load_on, texts};
    use crate::phone::{self, PhoneKind};
    use crate::product;

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
