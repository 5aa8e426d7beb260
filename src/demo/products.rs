//! The demo's products: three, each with three price tiers (the last one limited).

use super::{hm, Demo};
use crate::error::Result;
use crate::product::{self, PriceTierInput, ProductInput};

pub(super) struct ProductRow {
    pub(super) id: i64,
    /// (tier id, price in fen) for ranks 1, 2, 3.
    pub(super) tiers: [(i64, i64); 3],
    /// Places at the limited price (rank 3).
    pub(super) quota: i64,
}

impl Demo<'_> {
    pub(super) fn products(&mut self) -> Result<Vec<ProductRow>> {
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
}
