//! Access tokens: how they are made, and why one is refused. A leaf shared by the station
//! registry (which issues them) and the transports (which check them).

/// A fresh random token: 128 bits, hex.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Why a token was refused (401), said to the device so its user knows what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Unknown,
    Expired,
    Revoked,
}

impl Refusal {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Missing => (
                "缺少访问令牌：请打开应用给出的链接；工作站请扫描组织者电脑上的配对二维码。",
                "No access token: open the link the app printed; stations scan the pairing QR on the organizer's laptop.",
            ),
            Refusal::Unknown => (
                "访问令牌无效：请重新打开应用给出的链接，或重新扫描配对二维码。",
                "Unknown access token: open the app's link again, or scan the pairing QR again.",
            ),
            Refusal::Expired => (
                "此工作站的令牌已过期（会销当天结束时失效）：请组织者续期或重新配对。",
                "This station's token has expired (at the end of the seminar day): ask the organizer to renew it or pair again.",
            ),
            Refusal::Revoked => (
                "此工作站已被组织者停用：如需继续使用，请重新配对。",
                "The organizer revoked this station: pair again to go on.",
            ),
        }
    }
}
