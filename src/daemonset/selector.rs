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
