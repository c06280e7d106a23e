//! `maxUnavailable` / `maxSurge`: an absolute count or a percentage of the desired nodes, resolved
//! the way the DaemonSet controller resolves it (percentages round up).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Count(i32),
    Percent(i32),
}

impl Budget {
    /// Parses as the API validates: a non-negative integer, or a string `N%`.
    pub fn parse(value: &IntOrString) -> Result<Budget, String> {
        match value {
            IntOrString::Int(n) if *n >= 0 => Ok(Budget::Count(*n)),
            IntOrString::Int(n) => Err(format!("{n} is negative")),
            IntOrString::String(text) => {
                let digits = text.strip_suffix('%').ok_or_else(|| {
                    format!("{text:?} is neither an integer nor a percentage like \"10%\"")
                })?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("{text:?} is not a valid percentage like \"10%\""));
                }
                digits
                    .parse()
                    .map(Budget::Percent)
                    .map_err(|_| format!("{text:?} is too large"))
            }
        }
    }

    pub fn is_zero(self) -> bool {
        matches!(self, Budget::Count(0) | Budget::Percent(0))
    }

    /// The number of nodes this budget allows out of `desired`; percentages round up.
    pub fn resolve(self, desired: i32) -> i32 {
        match self {
            Budget::Count(n) => n,
            Budget::Percent(p) => {
                let scaled = i64::from(desired) * i64::from(p);
                i32::try_from((scaled + 99) / 100).unwrap_or(i32::MAX)
            }
        }
    }

    pub fn above_100_percent(self) -> bool {
        matches!(self, Budget::Percent(p) if p > 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves_like_the_controller() {
        let cases = [
            (IntOrString::Int(2), Ok(Budget::Count(2)), 15, 2),
            (
                IntOrString::String("10%".into()),
                Ok(Budget::Percent(10)),
                15,
                2,
            ),
            (
                IntOrString::String("100%".into()),
                Ok(Budget::Percent(100)),
                7,
                7,
            ),
            (
                IntOrString::String("0%".into()),
                Ok(Budget::Percent(0)),
                7,
                0,
            ),
        ];
        for (value, want, desired, resolved) in cases {
            let got = Budget::parse(&value);
            assert_eq!(got, want);
            assert_eq!(got.unwrap().resolve(desired), resolved);
        }
        for bad in [
            IntOrString::Int(-1),
            IntOrString::String("1".into()),
            IntOrString::String("%".into()),
            IntOrString::String("ten%".into()),
            IntOrString::String("-5%".into()),
        ] {
            assert!(Budget::parse(&bad).is_err(), "{bad:?}");
        }
    }
}
