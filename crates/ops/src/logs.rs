//! `logs`: the service's CloudWatch log events, each line prefixed with its task id.

use crate::api::OpsApi;
use crate::facts::{mask_secrets, LogLine};
use std::collections::HashMap;

/// Seconds in `10m`, `2h`, `30s`, `1d` (a bare number is seconds).
pub fn parse_since(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let n: i64 = num.parse().map_err(|_| format!("--since {text}: expected a duration such as 10m, 2h or 1d"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("--since {text}: unknown unit `{unit}` (use s, m, h or d)")),
    };
    Ok(n * mult)
}

/// One printed line: `<task id> <message>` (credentials in the message masked).
pub fn format_line(line: &LogLine) -> String {
    format!("{} {}", line.task, mask_secrets(&line.message))
}

/// Follows a log group: each call to [`Tail::poll`] answers the events not seen yet.
pub struct Tail {
    pub group: String,
    pub filter: Option<String>,
    /// Next start time (ms): the newest timestamp seen (events at that instant are deduplicated).
    pub start_ms: i64,
    /// Event ids seen, with their timestamps.
    seen: HashMap<String, i64>,
}

impl Tail {
    pub fn new(group: &str, start_ms: i64, filter: Option<String>) -> Self {
        Tail { group: group.to_string(), filter, start_ms, seen: HashMap::new() }
    }

    pub async fn poll<A: OpsApi>(&mut self, api: &A) -> crate::api::Res<Vec<LogLine>> {
        let lines = crate::gather::read_logs(api, &self.group, self.start_ms, self.filter.as_deref(), 20).await?;
        let newest = lines.iter().map(|l| l.at).max().unwrap_or(self.start_ms);
        let mut fresh = Vec::new();
        for l in lines {
            let key = l.event_id.clone().unwrap_or_else(|| format!("{}/{}/{}", l.at, l.stream, l.message));
            if self.seen.insert(key, l.at).is_none() {
                fresh.push(l);
            }
        }
        if newest > self.start_ms {
            self.start_ms = newest;
            // Forget what is older than the new start: it cannot come back.
            let start = self.start_ms;
            self.seen.retain(|_, at| *at >= start);
        }
        fresh.sort_by_key(|l| l.at);
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_since("10m"), Ok(600));
        assert_eq!(parse_since("2h"), Ok(7200));
        assert_eq!(parse_since("45"), Ok(45));
        assert!(parse_since("ten").is_err());
        assert!(parse_since("3w").is_err());
    }
}
