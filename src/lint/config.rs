//! `--config FILE`: turn rules off or change their severity.
//!
//! ```yaml
//! rules:
//!   DS309: off                       # by ID
//!   missing-readiness-probe: error   # or by name
//! ```

use std::collections::HashMap;

use serde_json::Value;

use super::{find_rule, Rule, Severity};
use crate::manifest::yaml::parse_documents;
use crate::manifest::{key_path, InputError};

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Rule ID to its configured severity; `None` turns the rule off.
    overrides: HashMap<&'static str, Option<Severity>>,
}

impl Config {
    pub fn parse(file: &str, text: &str) -> Result<Config, InputError> {
        let documents = parse_documents(text)
            .map_err(|e| InputError::new(file, Some(e.position), e.message))?;
        let mut config = Config::default();
        let Some(document) = documents.into_iter().next() else {
            return Ok(config);
        };
        let at = |path: &str| document.positions.get(path);
        let Value::Object(top) = &document.value else {
            return Err(InputError::new(
                file,
                at(""),
                "the config must be a mapping with a `rules` key",
            ));
        };
        if let Some(key) = top.keys().find(|k| *k != "rules") {
            return Err(InputError::new(
                file,
                at(key),
                format!("unknown key {key:?}; the config has only `rules`"),
            ));
        }
        let Some(rules) = top.get("rules") else {
            return Ok(config);
        };
        let Value::Object(rules) = rules else {
            return Err(InputError::new(
                file,
                at("rules"),
                "`rules` must map rule IDs or names to off, error, warning or info",
            ));
        };
        for (key, setting) in rules {
            let here = at(&key_path("rules", key));
            let rule = find_rule(key).ok_or_else(|| {
                InputError::new(
                    file,
                    here,
                    format!("unknown rule {key:?}; see `kubectl ds lint --list-rules`"),
                )
            })?;
            let severity = parse_setting(setting).ok_or_else(|| {
                InputError::new(
                    file,
                    here,
                    format!("rule {key}: use off, error, warning or info, not {setting}"),
                )
            })?;
            config.overrides.insert(rule.id, severity);
        }
        Ok(config)
    }

    /// The severity the rule runs with, or `None` when it is turned off.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        match self.overrides.get(rule.id) {
            Some(setting) => *setting,
            None => Some(rule.severity),
        }
    }
}

fn parse_setting(setting: &Value) -> Option<Option<Severity>> {
    match setting {
        // YAML 1.1 reads a bare `off` as false, as kubectl would.
        Value::Bool(false) => Some(None),
        Value::String(text) => match text.to_ascii_lowercase().as_str() {
            "off" | "disabled" | "false" => Some(None),
            "error" => Some(Some(Severity::Error)),
            "warning" | "warn" => Some(Some(Severity::Warning)),
            "info" => Some(Some(Severity::Info)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules;

    #[test]
    fn turns_rules_off_and_changes_severity() {
        let ids: Vec<_> = rules().map(|r| r.id).take(2).collect();
        let name = rules().nth(2).unwrap().name;
        let text = format!(
            "rules:\n  {}: off\n  {}: info\n  {name}: error\n",
            ids[0], ids[1]
        );
        let config = Config::parse("c.yaml", &text).unwrap();
        let all: Vec<_> = rules().collect();
        assert_eq!(config.severity_of(all[0]), None);
        assert_eq!(config.severity_of(all[1]), Some(Severity::Info));
        assert_eq!(config.severity_of(all[2]), Some(Severity::Error));
        assert_eq!(config.severity_of(all[3]), Some(all[3].severity));
    }

    #[test]
    fn bad_configs_name_the_line() {
        let cases = [
            ("rules:\n  DS999: off\n", 2, "unknown rule"),
            ("rules:\n  DS101: loud\n", 2, "use off"),
            ("rule:\n  DS101: off\n", 1, "unknown key"),
            ("rules: [DS101]\n", 1, "must map"),
        ];
        for (text, line, want) in cases {
            let error = Config::parse("c.yaml", text).unwrap_err();
            assert_eq!(error.position.map(|p| p.line), Some(line), "{text}");
            assert!(error.message.contains(want), "{text}: {}", error.message);
        }
    }
}
