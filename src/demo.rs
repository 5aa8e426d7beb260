//! Demo data: a realistic organisation, deterministic for a given "today".

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{Error, Result};

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

pub fn load(_app: &App, _input: DemoInput) -> Result<DemoSummary> {
    Err(Error::BadInput("demo data not built yet".into()))
}
