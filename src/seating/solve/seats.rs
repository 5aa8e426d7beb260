//! Seat numbers at a table: seat 1 faces the stage, the assistant sits among the guests.

use super::{Model, Problem};

/// Seat numbers (from 1) for everyone at each table, and the assistant's seat.
///
/// Seat 1 faces the stage; numbers go round the table, so the seat nearest the back is
/// `seats / 2 + 1`. The assistant sits a quarter of the way round — never at the back — and the
/// guests fill the seats nearest the assistant on both sides, so the assistant sits among them and
/// the free seats (walk-ins) end up together.
pub fn seat_numbers(
    p: &Problem,
    m: &Model,
    table_of: &[usize],
    order_key: impl Fn(usize) -> (i64, i64, i64),
) -> (Vec<i64>, Vec<Option<i64>>) {
    let mut seat = vec![0i64; p.guests.len()];
    let mut assistant = vec![None; p.tables.len()];
    for t in 0..p.tables.len() {
        let n = p.tables[t].seats.max(1) as usize;
        let mut used = vec![false; n];
        let mut here: Vec<usize> = (0..p.guests.len()).filter(|&i| table_of[i] == t).collect();
        here.sort_by_key(|&i| order_key(i));
        for &i in &here {
            if let Some((lt, s)) = p.guests[i].lock {
                if lt == t && s >= 1 && (s as usize) <= n && !used[s as usize - 1] {
                    used[s as usize - 1] = true;
                    seat[i] = s;
                }
            }
        }
        let back = back_seats(n);
        let unlocked = here.iter().filter(|&&i| seat[i] == 0).count();
        let free = used.iter().filter(|u| !**u).count();
        let want_assistant = m.assistant_seat[t] == 1 && free > unlocked && !here.is_empty();
        let pref = n / 4;
        let mut a_seat = None;
        if want_assistant {
            for d in 0..n {
                for s in [(pref + d) % n, (pref + n - d % n) % n] {
                    if a_seat.is_none() && !used[s] && !back.contains(&s) {
                        a_seat = Some(s);
                    }
                }
            }
            if let Some(s) = a_seat {
                used[s] = true;
                assistant[t] = Some(s as i64 + 1);
            }
        }
        let centre = a_seat.unwrap_or(pref);
        let mut ring: Vec<usize> = (0..n).filter(|&s| !used[s]).collect();
        ring.sort_by_key(|&s| {
            let d = (s + n - centre) % n;
            let d = d.min(n - d);
            (d, (s + n - centre) % n)
        });
        let mut next = ring.into_iter();
        for &i in &here {
            if seat[i] == 0 {
                seat[i] = next.next().map(|s| s as i64 + 1).unwrap_or(0);
            }
        }
    }
    (seat, assistant)
}

/// The 0-based seats farthest from the stage.
pub fn back_seats(n: usize) -> Vec<usize> {
    if n < 2 {
        Vec::new()
    } else if n.is_multiple_of(2) {
        vec![n / 2]
    } else {
        vec![n / 2, n / 2 + 1]
    }
}
