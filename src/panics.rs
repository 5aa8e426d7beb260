//! A panic is a bug, not the user's fault: every transport answers it as [`Error::Internal`]
//! (500 `internal`, a sentence in the caller's language) and the log names what was running.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};

/// Runs `f`; a panic becomes [`Error::Internal`], logged with `what` (an operation's or a
/// command's name). The store's lock survives a panic (see [`crate::db::Db::conn`]) and a
/// transaction that was open rolls back as it is dropped.
pub fn catch<T, E: From<Error>>(what: &str, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        tracing::error!(op = what, panic = %message(payload.as_ref()), "panicked");
        Err(Error::Internal.into())
    })
}

/// The panic's message, with long runs of digits (a phone number) hidden: logs carry none.
pub fn message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    crate::phone::redact(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_and_phone_numbers_stay_out_of_the_log() {
        let out: Result<()> = catch("test", || panic!("no store for 13800138000"));
        assert!(matches!(out, Err(Error::Internal)));
        let payload = catch_unwind(|| panic!("row 42 for {}", "13800138000")).unwrap_err();
        assert_eq!(message(payload.as_ref()), "row 42 for ###########");
        assert_eq!(catch("test", || Ok::<_, Error>(7)).unwrap(), 7);
    }
}
