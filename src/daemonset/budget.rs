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

/// How a RollingUpdate paces itself: the two fields as written (defaults filled in) and what
/// they resolve to. Exactly one of them is non-zero on a current server; with maxSurge the new
/// pod starts beside the old one, which goes when its replacement is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePace {
    /// As written (`1`, `10%`), or the default.
    pub max_unavailable: String,
    pub max_surge: String,
    unavailable: Budget,
    surge: Budget,
}

impl UpdatePace {
    /// From the DaemonSet's `spec.updateStrategy.rollingUpdate` (defaults: maxUnavailable 1,
    /// maxSurge 0). A value the server would reject counts as its default here.
    pub fn of(rolling: Option<&k8s_openapi::api::apps::v1::RollingUpdateDaemonSet>) -> UpdatePace {
        let field = |value: Option<&IntOrString>, default: Budget, shown: &str| {
            let text = match value {
                Some(IntOrString::Int(n)) => n.to_string(),
                Some(IntOrString::String(s)) => s.clone(),
                None => shown.to_string(),
            };
            let budget = value.and_then(|v| Budget::parse(v).ok()).unwrap_or(default);
            (text, budget)
        };
        let (max_unavailable, unavailable) = field(
            rolling.and_then(|r| r.max_unavailable.as_ref()),
            Budget::Count(1),
            "1",
        );
        let (max_surge, surge) = field(
            rolling.and_then(|r| r.max_surge.as_ref()),
            Budget::Count(0),
            "0",
        );
        UpdatePace {
            max_unavailable,
            max_surge,
            unavailable,
            surge,
        }
    }

    pub fn unavailable(&self) -> Budget {
        self.unavailable
    }

    pub fn surge(&self) -> Budget {
        self.surge
    }

    /// Nodes that run an old and a new pod at once out of `desired`, when the update surges.
    pub fn surge_nodes(&self, desired: i32) -> Option<i32> {
        (!self.surge.is_zero()).then(|| self.surge.resolve(desired).max(1))
    }

    /// "maxSurge 1: surges, the new pod starting beside the old one on up to 1 node at once", or
    /// "maxUnavailable 1".
    pub fn describe(&self, desired: i32) -> String {
        match self.surge_nodes(desired) {
            Some(n) => format!("maxSurge {}: {}", self.max_surge, surge_words(n)),
            None => format!("maxUnavailable {}", self.max_unavailable),
        }
    }
}

/// What surging on `nodes` nodes at once means, in the words diff, plan and rollout use.
pub fn surge_words(nodes: i32) -> String {
    format!(
        "surges, the new pod starting beside the old one on up to {nodes} {} at once",
        if nodes == 1 { "node" } else { "nodes" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_pace_says_whether_and_how_wide_the_update_surges() {
        use k8s_openapi::api::apps::v1::RollingUpdateDaemonSet;
        let rolling =
            |unavailable: Option<IntOrString>, surge: Option<IntOrString>| RollingUpdateDaemonSet {
                max_unavailable: unavailable,
                max_surge: surge,
            };
        let cases = [
            (None, 4, None, "maxUnavailable 1"),
            (Some(rolling(Some(IntOrString::Int(2)), None)), 4, None, "maxUnavailable 2"),
            (
                Some(rolling(Some(IntOrString::Int(0)), Some(IntOrString::Int(1)))),
                4,
                Some(1),
                "maxSurge 1: surges, the new pod starting beside the old one on up to 1 node at once",
            ),
            (
                Some(rolling(
                    Some(IntOrString::Int(0)),
                    Some(IntOrString::String("25%".into())),
                )),
                10,
                Some(3),
                "maxSurge 25%: surges, the new pod starting beside the old one on up to 3 nodes at once",
            ),
            (
                Some(rolling(None, Some(IntOrString::String("1%".into())))),
                0,
                Some(1),
                "maxSurge 1%: surges, the new pod starting beside the old one on up to 1 node at once",
            ),
        ];
        for (strategy, desired, surge_nodes, words) in cases {
            let pace = UpdatePace::of(strategy.as_ref());
            assert_eq!(pace.surge_nodes(desired), surge_nodes, "{strategy:?}");
            assert_eq!(pace.describe(desired), words);
        }
    }

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
