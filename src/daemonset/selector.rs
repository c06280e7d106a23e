//! Label selectors (`matchLabels` + `matchExpressions`) evaluated as the API server does.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// Whether the selector selects nothing at all (no labels, no expressions).
pub fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|e| e.is_empty())
}

/// Whether `labels` satisfy every term of `selector`. An unknown operator is an error, naming it.
pub fn matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    let labels_match = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    if !labels_match {
        return Ok(false);
    }
    for expression in selector.match_expressions.iter().flatten() {
        let value = labels.get(&expression.key);
        let values = expression.values.as_deref().unwrap_or_default();
        let ok = match expression.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            other => {
                return Err(format!(
                    "unknown operator {other:?} (use In, NotIn, Exists or DoesNotExist)"
                ))
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `key=value,key2 in (a,b)` for messages.
pub fn describe(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in selector.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {} ({values})", e.key, op.to_lowercase()),
        });
    }
    parts.join(",")
}

/// Parses kubectl's `-l` syntax: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
/// separated by commas.
pub fn parse(text: &str) -> Result<LabelSelector, String> {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;
    let mut selector = LabelSelector::default();
    let requirement = |key: &str, operator: &str, values: Vec<String>| LabelSelectorRequirement {
        key: key.trim().to_string(),
        operator: operator.to_string(),
        values: (!values.is_empty()).then_some(values),
    };
    for part in split_requirements(text) {
        let part = part.trim();
        let invalid = || {
            format!("invalid selector {part:?} in {text:?}: use k=v, k!=v, k in (a,b), k notin (a,b), k or !k")
        };
        if part.is_empty() {
            return Err(invalid());
        }
        let expressions = selector.match_expressions.get_or_insert_with(Vec::new);
        if let Some((key, values)) = split_set(part, " notin ").or_else(|| split_set(part, " in "))
        {
            let operator = if part.contains(" notin ") {
                "NotIn"
            } else {
                "In"
            };
            let values = values.ok_or_else(invalid)?;
            expressions.push(requirement(key, operator, values));
        } else if let Some((key, value)) = part.split_once("!=") {
            expressions.push(requirement(key, "NotIn", vec![value.trim().to_string()]));
        } else if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
            selector
                .match_labels
                .get_or_insert_with(Default::default)
                .insert(key.trim().to_string(), value.trim().to_string());
        } else if let Some(key) = part.strip_prefix('!') {
            expressions.push(requirement(key, "DoesNotExist", vec![]));
        } else if part.contains([' ', '(', ')']) {
            return Err(invalid());
        } else {
            expressions.push(requirement(part, "Exists", vec![]));
        }
    }
    if selector
        .match_expressions
        .as_ref()
        .is_some_and(Vec::is_empty)
    {
        selector.match_expressions = None;
    }
    Ok(selector)
}

/// Splits on commas outside parentheses.
fn split_requirements(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `key in (a,b)` → (key, Some([a, b])); malformed values → (key, None).
fn split_set<'a>(part: &'a str, operator: &str) -> Option<(&'a str, Option<Vec<String>>)> {
    let (key, rest) = part.split_once(operator)?;
    let values = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .map(|inner| inner.split(',').map(|v| v.trim().to_string()).collect());
    Some((key, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: Some(values.iter().map(|v| v.to_string()).collect()),
        }
    }

    #[test]
    fn parses_kubectl_selector_syntax() {
        let cases = [
            ("zone=a", vec![("zone", "a")], true),
            (
                "zone=a,tier!=db",
                vec![("zone", "a"), ("tier", "web")],
                true,
            ),
            (
                "zone=a,tier!=db",
                vec![("zone", "a"), ("tier", "db")],
                false,
            ),
            ("zone in (a,b),gpu", vec![("zone", "b"), ("gpu", "1")], true),
            ("zone notin (a, b)", vec![("zone", "c")], true),
            ("!gpu", vec![("zone", "c")], true),
            ("!gpu", vec![("gpu", "")], false),
            ("zone==a", vec![("zone", "a")], true),
        ];
        for (text, given, want) in cases {
            let selector = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                matches(&selector, &labels(&given)),
                Ok(want),
                "{text} on {given:?}"
            );
        }
        for bad in ["", "a in b", "a,,b", "a b"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn evaluates_labels_and_expressions() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("app", "a")])),
            match_expressions: Some(vec![
                expr("tier", "In", &["x", "y"]),
                expr("canary", "DoesNotExist", &[]),
            ]),
        };
        let cases = [
            (labels(&[("app", "a"), ("tier", "x")]), true),
            (labels(&[("app", "a"), ("tier", "z")]), false),
            (labels(&[("app", "b"), ("tier", "x")]), false),
            (
                labels(&[("app", "a"), ("tier", "y"), ("canary", "1")]),
                false,
            ),
        ];
        for (given, want) in cases {
            assert_eq!(matches(&selector, &given), Ok(want), "{given:?}");
        }
        assert_eq!(describe(&selector), "app=a,tier in (x,y),!canary");
        let bad = LabelSelector {
            match_expressions: Some(vec![expr("a", "Equals", &["b"])]),
            ..Default::default()
        };
        assert!(matches(&bad, &labels(&[])).is_err());
        assert!(is_empty(&LabelSelector::default()));
    }
}
