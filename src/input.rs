//! Inputs many operations share: none, an id, a seminar. A leaf: every layer may use it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The input of operations that take none.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS, ToSchema)]
pub struct Empty {}

/// One record, by id.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct IdInput {
    pub id: i64,
}

/// Everything of one seminar.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeminarScope {
    pub seminar_id: i64,
}
