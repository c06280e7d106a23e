//! Template placeholders left in a manifest that was never rendered: `__PILLAR__DNS__SERVER__`
//! (kube-up's salt pillars), `{{ .Values.image }}` (Helm, Jinja, Go templates) and `${VAR}`
//! (envsubst). The API accepts them as plain text; the pod then fails on them or, worse, runs
//! with them.

/// The first placeholder in `text`. `shell` says the text is a shell script (an argument of
/// `sh -c`), where `${VAR}` is the shell's own expansion.
pub fn find(text: &str, shell: bool) -> Option<&str> {
    pillar(text)
        .or_else(|| braces(text))
        .or_else(|| if shell { None } else { envsubst(text) })
}

/// Every distinct placeholder in `text`, in order.
pub fn find_all(text: &str, shell: bool) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(placeholder) = find(rest, shell) {
        if !found.contains(&placeholder) {
            found.push(placeholder);
        }
        let Some(at) = rest.find(placeholder) else {
            break;
        };
        rest = &rest[at + placeholder.len()..];
    }
    found
}

/// `__NAME__` with an upper-case name: kube-up's `__PILLAR__...__` and its kin.
fn pillar(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(offset) = text[from..].find("__") {
        let start = from + offset;
        let rest = &text[start + 2..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        // The name ends at the last `__` of the run: `__PILLAR__DNS__SERVER__`.
        let name = &rest[..name_len];
        if let Some(end) = name.rfind("__") {
            let inner = &name[..end];
            if inner.starts_with(|c: char| c.is_ascii_uppercase())
                && inner.ends_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                return Some(&text[start..start + 2 + end + 2]);
            }
        }
        from = start + 2;
    }
    None
}

/// `{{ ... }}`.
fn braces(text: &str) -> Option<&str> {
    let start = text.find("{{")?;
    let end = text[start..].find("}}")?;
    Some(&text[start..start + end + 2])
}

/// `${NAME}` or `${NAME:-default}`; Kubernetes expands only `$(NAME)`.
fn envsubst(text: &str) -> Option<&str> {
    let start = text.find("${")?;
    let end = text[start..].find('}')?;
    let name = &text[start + 2..start + end];
    let variable = name
        .split([':', '-', '='])
        .next()
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    variable.then(|| &text[start..start + end + 1])
}

/// Whether a container command runs a shell script: `sh -c`, `/bin/bash -c`, ...
pub fn is_shell(command: &[String]) -> bool {
    let Some(program) = command.first() else {
        return false;
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_ordinary_text_is_not() {
        for (text, shell, found) in [
            (
                "-localip __PILLAR__LOCAL__DNS__,__PILLAR__DNS__SERVER__",
                false,
                Some("__PILLAR__LOCAL__DNS__"),
            ),
            (
                "__PILLAR__CLUSTER__DNS__",
                false,
                Some("__PILLAR__CLUSTER__DNS__"),
            ),
            (
                "registry/{{ .Values.image.tag }}",
                false,
                Some("{{ .Values.image.tag }}"),
            ),
            ("image:${TAG}", false, Some("${TAG}")),
            ("${NODE_NAME:-node}", false, Some("${NODE_NAME:-node}")),
            ("echo ${HOME}", true, None),
            ("$(NODE_NAME)", false, None),
            ("__init__.py", false, None),
            ("a__b", false, None),
            ("--format=json", false, None),
            ("____", false, None),
            ("${}", false, None),
        ] {
            assert_eq!(find(text, shell), found, "{text:?}");
        }
    }

    #[test]
    fn every_placeholder_of_a_field_is_found_once() {
        assert_eq!(
            find_all(
                "-localip __PILLAR__LOCAL__DNS__,__PILLAR__DNS__SERVER__ __PILLAR__LOCAL__DNS__",
                false
            ),
            ["__PILLAR__LOCAL__DNS__", "__PILLAR__DNS__SERVER__"]
        );
        assert_eq!(find_all("{{ .a }}-${B}", false), ["{{ .a }}", "${B}"]);
        assert!(find_all("plain", false).is_empty());
    }

    #[test]
    fn shells_are_recognised_by_program_name() {
        let command = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert!(is_shell(&command(&["/bin/sh", "-c"])));
        assert!(is_shell(&command(&["bash"])));
        assert!(!is_shell(&command(&["/coredns"])));
        assert!(!is_shell(&[]));
    }
}
