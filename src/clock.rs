//! The wall clock as the rollout decisions count it: whole seconds since the epoch, and the one
//! text form every timestamp is shown in (RFC 3339, UTC, whole seconds: `2026-12-02T16:26:29Z`).

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

pub fn now() -> i64 {
    Timestamp::now().as_second()
}

/// How long until the clock reaches second `at` (zero once it has). Exact to the sub-second: the
/// decisions count whole seconds, and waking up to a second late after every wait would add up.
pub fn until_second(at: i64) -> Duration {
    let Ok(target) = Timestamp::from_second(at) else {
        return Duration::ZERO;
    };
    Duration::try_from(target.duration_since(Timestamp::now())).unwrap_or(Duration::ZERO)
}

/// Second `seconds` since the epoch in RFC 3339 (the number itself if out of range).
pub fn rfc3339(seconds: i64) -> String {
    Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

/// `30s`, `2m`, `1m30s`, `500ms` or a number of seconds, as kubectl takes durations.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let invalid = || {
        format!("invalid duration {text:?}: use e.g. 30s, 2m, 1m30s, 500ms or a number of seconds")
    };
    if text.is_empty() {
        return Err(invalid());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(invalid)?;
        let value: f64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(invalid()),
        };
        let part = Duration::try_from_secs_f64(value * seconds_per_unit).map_err(|_| invalid())?;
        total = total.checked_add(part).ok_or_else(invalid)?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

/// A duration as `parse_duration` reads it: `300ms`, `5s`, `2m`, `1m30s`, `1h`.
pub fn format_duration(duration: Duration) -> String {
    if duration.subsec_millis() != 0 || duration.is_zero() {
        return format!("{}ms", duration.as_millis());
    }
    let seconds = duration.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    [(hours, "h"), (minutes, "m"), (seconds, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_whole_seconds_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_796_315_189), "2026-12-03T16:26:29Z");
        assert_eq!(rfc3339(i64::MAX), i64::MAX.to_string());
    }

    #[test]
    fn durations_format_as_they_parse() {
        let cases = [
            (300, "300ms"),
            (1_500, "1500ms"),
            (5_000, "5s"),
            (90_000, "1m30s"),
            (3_600_000, "1h"),
            (3_661_000, "1h1m1s"),
            (0, "0ms"),
        ];
        for (millis, text) in cases {
            let duration = Duration::from_millis(millis);
            assert_eq!(format_duration(duration), text);
            assert_eq!(parse_duration(text), Ok(duration), "{text}");
        }
    }
}
