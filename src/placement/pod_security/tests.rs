//! Expected reasons and details are the server's (copied from the upstream check tests where
//! they have the case, `policy/check_*_test.go`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

use super::*;

fn pod(yaml: &str) -> Pod {
    serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("test pod does not parse: {e}\n{yaml}"))
}

fn level_version(text: &str) -> (Level, Version) {
    let (level, version) = text.split_once(':').expect("level:version");
    (
        Level::parse(level).expect("level"),
        Version::parse(version).expect("version"),
    )
}

fn evaluate(policy: &str, yaml: &str) -> Vec<Violation> {
    let (level, version) = level_version(policy);
    let pod = pod(yaml);
    let spec = pod.spec.unwrap_or_default();
    violations(level, version, &pod.metadata, &spec)
}

/// A container the restricted level accepts, in flow YAML, to build pods from.
const OK: &str = "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}";

struct Case {
    name: &'static str,
    policy: &'static str,
    pod: String,
    /// `reason (detail)` per violation, in order.
    want: Vec<&'static str>,
}

fn case(name: &'static str, policy: &'static str, pod: &str, want: &[&'static str]) -> Case {
    Case {
        name,
        policy,
        pod: pod.replace("OK", OK),
        want: want.to_vec(),
    }
}

fn baseline_privilege_and_host_cases() -> Vec<Case> {
    vec![
        case("nothing set", "baseline:latest", "spec: {containers: [{name: a}]}", &[]),
        case(
            "privileged container",
            "baseline:latest",
            "spec: {containers: [{name: agent, securityContext: {privileged: true}}]}",
            &[r#"privileged (container "agent" must not set securityContext.privileged=true)"#],
        ),
        case(
            "privileged false is fine",
            "baseline:latest",
            "spec: {containers: [{name: agent, securityContext: {privileged: false}}]}",
            &[],
        ),
        case(
            "privileged init and ephemeral containers count too",
            "baseline:latest",
            "spec: {initContainers: [{name: i, securityContext: {privileged: true}}], containers: [{name: c}], ephemeralContainers: [{name: e, securityContext: {privileged: true}}]}",
            &[r#"privileged (containers "i", "e" must not set securityContext.privileged=true)"#],
        ),
        case(
            "host namespaces in upstream order",
            "baseline:latest",
            "spec: {hostIPC: true, hostPID: true, hostNetwork: true, containers: [{name: a}]}",
            &["host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"],
        ),
        case(
            "hostNetwork before privileged, as the server lists them",
            "baseline:latest",
            "spec: {hostNetwork: true, containers: [{name: agent, securityContext: {privileged: true}}]}",
            &[
                "host namespaces (hostNetwork=true)",
                r#"privileged (container "agent" must not set securityContext.privileged=true)"#,
            ],
        ),
        case(
            "hostPath volumes",
            "baseline:latest",
            "spec: {containers: [{name: a}], volumes: [{name: logs, hostPath: {path: /var/log}}, {name: tmp, emptyDir: {}}, {name: run, hostPath: {path: /run}}]}",
            &[r#"hostPath volumes (volumes "logs", "run")"#],
        ),
        case(
            "host ports sorted as strings",
            "baseline:latest",
            "spec: {containers: [{name: a, ports: [{containerPort: 1, hostPort: 0}]}, {name: b, ports: [{containerPort: 53, hostPort: 53}, {containerPort: 1, hostPort: 10000}]}, {name: c, ports: [{containerPort: 9, hostPort: 9100}]}]}",
            &[r#"hostPort (containers "b", "c" use hostPorts 10000, 53, 9100)"#],
        ),
        case(
            "one host port",
            "baseline:latest",
            "spec: {containers: [{name: b, ports: [{containerPort: 20, hostPort: 20}]}]}",
            &[r#"hostPort (container "b" uses hostPort 20)"#],
        ),
        case(
            "capabilities beyond the default set",
            "baseline:latest",
            "spec: {containers: [{name: a, securityContext: {capabilities: {add: [CHOWN, SYS_ADMIN, NET_ADMIN]}}}, {name: b, securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}}]}",
            &[r#"non-default capabilities (container "a" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)"#],
        ),
        case(
            "NET_RAW is not in the default set",
            "baseline:latest",
            "spec: {containers: [{name: a, securityContext: {capabilities: {add: [NET_RAW]}}}]}",
            &[r#"non-default capabilities (container "a" must not include "NET_RAW" in securityContext.capabilities.add)"#],
        ),
    ]
}

fn baseline_security_context_cases() -> Vec<Case> {
    vec![
        case(
            "seLinux type, user and role",
            "baseline:latest",
            "spec: {securityContext: {seLinuxOptions: {type: foo, user: u, role: r}}, containers: [{name: e, securityContext: {seLinuxOptions: {type: bar}}}, {name: f, securityContext: {seLinuxOptions: {type: container_t}}}]}",
            &[r#"seLinuxOptions (pod and container "e" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set)"#],
        ),
        case(
            "container_engine_t is allowed from 1.31",
            "baseline:latest",
            "spec: {containers: [{name: a, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}",
            &[],
        ),
        case(
            "container_engine_t is forbidden before 1.31",
            "baseline:v1.30",
            "spec: {containers: [{name: a, securityContext: {seLinuxOptions: {type: container_engine_t}}}]}",
            &[r#"seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t")"#],
        ),
        case(
            "procMount Unmasked",
            "baseline:latest",
            "spec: {containers: [{name: a, securityContext: {procMount: Unmasked}}, {name: b, securityContext: {procMount: Default}}]}",
            &[r#"procMount (container "a" must not set securityContext.procMount to "Unmasked")"#],
        ),
        case(
            "procMount Unmasked in a user namespace passes baseline from 1.35",
            "baseline:v1.35",
            "spec: {hostUsers: false, containers: [{name: a, securityContext: {procMount: Unmasked}}]}",
            &[],
        ),
        case(
            "procMount Unmasked in a user namespace fails baseline before 1.35",
            "baseline:v1.34",
            "spec: {hostUsers: false, containers: [{name: a, securityContext: {procMount: Unmasked}}]}",
            &[r#"procMount (container "a" must not set securityContext.procMount to "Unmasked")"#],
        ),
        case(
            "seccomp Unconfined",
            "baseline:latest",
            "spec: {securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, securityContext: {seccompProfile: {type: Unconfined}}}, {name: b, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]}",
            &[r#"seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")"#],
        ),
        case(
            "seccomp annotations are what 1.18 checks",
            "baseline:v1.18",
            "metadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined, container.seccomp.security.alpha.kubernetes.io/a: localhost/p, container.seccomp.security.alpha.kubernetes.io/b: ''}}\nspec: {containers: [{name: a}, {name: b, securityContext: {seccompProfile: {type: Unconfined}}}]}",
            &[r#"seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/b="", seccomp.security.alpha.kubernetes.io/pod="unconfined")"#],
        ),
        case(
            "seccomp annotations are not read from 1.19",
            "baseline:v1.19",
            "metadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}}\nspec: {containers: [{name: a}]}",
            &[],
        ),
    ]
}

/// Also the edges: the privileged level, and versions newer than the newest check.
fn baseline_sysctl_apparmor_and_probe_cases() -> Vec<Case> {
    vec![
        case(
            "sysctls outside the safe set",
            "baseline:latest",
            "spec: {securityContext: {sysctls: [{name: kernel.msgmax, value: '1'}, {name: net.ipv4.tcp_syncookies, value: '1'}, {name: net.core.somaxconn, value: '1'}]}, containers: [{name: a}]}",
            &["forbidden sysctls (kernel.msgmax, net.core.somaxconn)"],
        ),
        case(
            "tcp_notsent_lowat is safe from 1.37",
            "baseline:latest",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: '1'}]}, containers: [{name: a}]}",
            &[],
        ),
        case(
            "tcp_notsent_lowat is forbidden at 1.36",
            "baseline:v1.36",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: '1'}]}, containers: [{name: a}]}",
            &["forbidden sysctls (net.ipv4.tcp_notsent_lowat)"],
        ),
        case(
            "tcp_rmem is safe from 1.32, not at 1.31",
            "baseline:v1.31",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: '1'}, {name: net.ipv4.tcp_keepalive_time, value: '1'}]}, containers: [{name: a}]}",
            &["forbidden sysctls (net.ipv4.tcp_rmem)"],
        ),
        case(
            "ip_local_reserved_ports is forbidden at 1.26",
            "baseline:v1.26",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports, value: '1'}]}, containers: [{name: a}]}",
            &["forbidden sysctls (net.ipv4.ip_local_reserved_ports)"],
        ),
        case(
            "AppArmor Unconfined in fields and annotations",
            "baseline:latest",
            "metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined, container.apparmor.security.beta.kubernetes.io/b: localhost/x}}\nspec: {securityContext: {appArmorProfile: {type: Unconfined}}, containers: [{name: a, securityContext: {appArmorProfile: {type: RuntimeDefault}}}, {name: b, securityContext: {appArmorProfile: {type: Unconfined}}}]}",
            &[r#"forbidden AppArmor profiles (pod and container "b" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")"#],
        ),
        case(
            "one AppArmor profile",
            "baseline:latest",
            "spec: {containers: [{name: foo, securityContext: {appArmorProfile: {type: Unconfined}}}]}",
            &[r#"forbidden AppArmor profile (container "foo" must not set AppArmor profile type to "Unconfined")"#],
        ),
        case(
            "probe and lifecycle hosts from 1.34",
            "baseline:latest",
            "spec: {containers: [{name: b, readinessProbe: {httpGet: {host: 10.0.0.1, port: 80}}}, {name: a, lifecycle: {preStop: {tcpSocket: {host: example.com, port: 80}}}, livenessProbe: {tcpSocket: {host: '', port: 1}}}]}",
            &[r#"probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "10.0.0.1", "example.com")"#],
        ),
        case(
            "probe hosts are not checked at 1.33",
            "baseline:v1.33",
            "spec: {containers: [{name: b, readinessProbe: {httpGet: {host: 10.0.0.1, port: 80}}}]}",
            &[],
        ),
        case(
            "Windows hostProcess",
            "baseline:latest",
            "spec: {securityContext: {windowsOptions: {hostProcess: true}}, containers: [{name: a, securityContext: {windowsOptions: {hostProcess: true}}}]}",
            &[r#"hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)"#],
        ),
        case(
            "privileged level allows everything",
            "privileged:latest",
            "spec: {hostNetwork: true, containers: [{name: a, securityContext: {privileged: true}}]}",
            &[],
        ),
        case(
            "versions newer than the checks here are evaluated as the newest",
            "baseline:v1.99",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: '1'}]}, containers: [{name: a}]}",
            &[],
        ),
    ]
}

fn restricted_user_cases() -> Vec<Case> {
    vec![
        case("a compliant pod", "restricted:latest", "spec: {containers: [{name: a, securityContext: OK}]}", &[]),
        case(
            "nothing set fails every restricted check, in order",
            "restricted:latest",
            "spec: {containers: [{name: a}]}",
            &[
                r#"allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)"#,
                r#"unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"])"#,
                r#"runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)"#,
                r#"seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#,
            ],
        ),
        case(
            "pod-level runAsNonRoot and seccomp cover the containers",
            "restricted:latest",
            "spec: {securityContext: {runAsNonRoot: true, seccompProfile: {type: Localhost, localhostProfile: p.json}}, initContainers: [{name: i, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}], containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]}",
            &[],
        ),
        case(
            "baseline checks still apply at restricted, before the restricted ones",
            "restricted:latest",
            "spec: {hostNetwork: true, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, privileged: true}}]}",
            &[
                "host namespaces (hostNetwork=true)",
                r#"privileged (container "a" must not set securityContext.privileged=true)"#,
            ],
        ),
        case(
            "explicit runAsNonRoot false",
            "restricted:latest",
            "spec: {securityContext: {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}, containers: [{name: c, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: false}}, {name: d, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]}",
            &[r#"runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)"#],
        ),
        case(
            "runAsUser 0",
            "restricted:latest",
            "spec: {securityContext: {runAsUser: 0}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, runAsUser: 0}}]}",
            &[r#"runAsUser=0 (pod and container "a" must not set runAsUser=0)"#],
        ),
        case(
            "runAsUser 0 passes before 1.23",
            "restricted:v1.22",
            "spec: {securityContext: {runAsUser: 0}, containers: [{name: a, securityContext: OK}]}",
            &[],
        ),
        case(
            "a user namespace may run as root from 1.35",
            "restricted:latest",
            "spec: {hostUsers: false, securityContext: {runAsUser: 0}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}}]}",
            &[],
        ),
        case(
            "a user namespace must still run as non-root at 1.34",
            "restricted:v1.34",
            "spec: {hostUsers: false, securityContext: {runAsUser: 0}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}}]}",
            &[
                r#"runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)"#,
                r#"runAsUser=0 (pod must not set runAsUser=0)"#,
            ],
        ),
        case(
            "procMount stays forbidden at restricted in a user namespace",
            "restricted:latest",
            "spec: {hostUsers: false, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, procMount: Unmasked}}]}",
            &[r#"procMount (container "a" must not set securityContext.procMount to "Unmasked")"#],
        ),
    ]
}

fn restricted_capability_seccomp_and_volume_cases() -> Vec<Case> {
    vec![
        case(
            "capabilities: drop ALL, add only NET_BIND_SERVICE",
            "restricted:latest",
            "spec: {securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [NET_RAW]}}}, {name: b, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CHOWN]}}}]}",
            &[r#"unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "CHOWN" in securityContext.capabilities.add)"#],
        ),
        case(
            "before 1.22 the baseline capabilities check applies instead",
            "restricted:v1.21",
            "spec: {securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [CHOWN, SYS_ADMIN]}}}]}",
            &[r#"non-default capabilities (container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add)"#],
        ),
        case(
            "seccomp RuntimeDefault is required; Unconfined names the setter",
            "restricted:latest",
            "spec: {securityContext: {runAsNonRoot: true}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Unconfined}}}, {name: b, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]}",
            &[r#"seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")"#],
        ),
        case(
            "no seccomp is required before 1.19 (the baseline annotation check applies)",
            "restricted:v1.18",
            "metadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}}\nspec: {securityContext: {runAsNonRoot: true}, containers: [{name: a, securityContext: {allowPrivilegeEscalation: false}}]}",
            &[r#"seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")"#],
        ),
        case(
            "allowPrivilegeEscalation is not checked before 1.8",
            "restricted:v1.7",
            "spec: {securityContext: {runAsNonRoot: true}, containers: [{name: a}]}",
            &[],
        ),
        case(
            "Windows pods skip seccomp, capabilities and escalation from 1.25",
            "restricted:latest",
            "spec: {os: {name: windows}, securityContext: {runAsNonRoot: true}, containers: [{name: a}]}",
            &[],
        ),
        case(
            "Windows pods do not skip them at 1.24",
            "restricted:v1.24",
            "spec: {os: {name: windows}, securityContext: {runAsNonRoot: true}, containers: [{name: a}]}",
            &[
                r#"allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)"#,
                r#"unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"])"#,
                r#"seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#,
            ],
        ),
        case(
            "volume types beyond the restricted set",
            "restricted:latest",
            "spec: {containers: [{name: a, securityContext: OK}], volumes: [{name: cfg, configMap: {name: c}}, {name: host, hostPath: {path: /}}, {name: share, nfs: {server: s, path: /}}, {name: token, projected: {sources: []}}, {name: odd}]}",
            &[r#"restricted volume types (volumes "host", "share", "odd" use restricted volume types "hostPath", "nfs", "unknown")"#],
        ),
        case(
            "init and ephemeral containers are checked",
            "restricted:latest",
            "spec: {initContainers: [{name: init, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true}}], containers: [{name: a, securityContext: OK}], ephemeralContainers: [{name: debug, securityContext: {capabilities: {drop: [ALL]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}]}",
            &[
                r#"allowPrivilegeEscalation != false (container "debug" must set securityContext.allowPrivilegeEscalation=false)"#,
                r#"seccompProfile (pod or container "init" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#,
            ],
        ),
    ]
}

/// Every case's violations are the server's reasons and details, all failures reported at once.
fn check(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in cases {
        let got: Vec<String> = evaluate(case.policy, &case.pod)
            .iter()
            .map(ToString::to_string)
            .collect();
        if got != case.want {
            failures.push(format!(
                "{} ({}):\n  want {:?}\n  got  {:?}",
                case.name, case.policy, case.want, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn baseline_privilege_and_host_checks_give_the_servers_reasons() {
    check(baseline_privilege_and_host_cases());
}

#[test]
fn baseline_security_context_checks_give_the_servers_reasons() {
    check(baseline_security_context_cases());
}

#[test]
fn baseline_sysctl_apparmor_and_probe_checks_give_the_servers_reasons() {
    check(baseline_sysctl_apparmor_and_probe_cases());
}

#[test]
fn restricted_user_checks_give_the_servers_reasons() {
    check(restricted_user_cases());
}

#[test]
fn restricted_capability_seccomp_and_volume_checks_give_the_servers_reasons() {
    check(restricted_capability_seccomp_and_volume_cases());
}

#[test]
fn violations_point_at_the_first_offending_field() {
    let cases = [
        (
            "baseline:latest",
            "spec: {hostNetwork: true, containers: [{name: a, securityContext: {privileged: true}}]}",
            vec!["spec.hostNetwork", "spec.containers[0].securityContext.privileged"],
        ),
        (
            "baseline:latest",
            "spec: {initContainers: [{name: i}], containers: [{name: a, ports: [{containerPort: 1}, {containerPort: 2, hostPort: 2}]}]}",
            vec!["spec.containers[0].ports[1].hostPort"],
        ),
        (
            "baseline:latest",
            "spec: {containers: [{name: a}], volumes: [{name: e, emptyDir: {}}, {name: h, hostPath: {path: /}}]}",
            vec!["spec.volumes[1].hostPath"],
        ),
        (
            "baseline:latest",
            "metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined}}\nspec: {containers: [{name: a}]}",
            vec!["metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]"],
        ),
        (
            "baseline:latest",
            "spec: {securityContext: {sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'}, {name: kernel.msgmax, value: '1'}]}, containers: [{name: a}]}",
            vec!["spec.securityContext.sysctls[1].name"],
        ),
        (
            "restricted:latest",
            "spec: {initContainers: [{name: i, securityContext: OK}], containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}]}",
            vec!["spec.containers[0].securityContext.capabilities"],
        ),
    ];
    for (policy, yaml, want) in cases {
        let got: Vec<String> = evaluate(policy, &yaml.replace("OK", OK))
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(got, want, "{yaml}");
    }
}

#[test]
fn check_ids_are_in_the_registrys_order() {
    let ids = checks::check_ids();
    let baseline: Vec<&str> = ids
        .iter()
        .filter(|(_, l)| *l == Level::Baseline)
        .map(|(id, _)| *id)
        .collect();
    let restricted: Vec<&str> = ids
        .iter()
        .filter(|(_, l)| *l == Level::Restricted)
        .map(|(id, _)| *id)
        .collect();
    let mut sorted = baseline.clone();
    sorted.sort();
    assert_eq!(baseline, sorted);
    let mut sorted = restricted.clone();
    sorted.sort();
    assert_eq!(restricted, sorted);
    assert_eq!(ids.len(), 19);
    assert!(ids[..baseline.len()]
        .iter()
        .all(|(_, l)| *l == Level::Baseline));
}

#[test]
fn violations_carry_the_upstream_check_id() {
    let found = evaluate(
        "restricted:latest",
        "spec: {hostPID: true, containers: [{name: a, securityContext: OK}]}"
            .replace("OK", OK)
            .as_str(),
    );
    let ids: Vec<&str> = found.iter().map(|v| v.check).collect();
    assert_eq!(ids, ["hostNamespaces"]);
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn enforcement_reads_the_namespace_labels() {
    let e = |pairs: &[(&str, &str)]| enforcement(&labels(pairs)).map(|o| o.map(|e| e.to_string()));
    assert_eq!(e(&[]), Ok(None));
    assert_eq!(e(&[("kubernetes.io/metadata.name", "x")]), Ok(None));
    assert_eq!(e(&[(ENFORCE_LABEL, "privileged")]), Ok(None));
    assert_eq!(
        e(&[(ENFORCE_LABEL, "baseline")]),
        Ok(Some("baseline:latest".into()))
    );
    assert_eq!(
        e(&[
            (ENFORCE_LABEL, "restricted"),
            (ENFORCE_VERSION_LABEL, "v1.24")
        ]),
        Ok(Some("restricted:v1.24".into()))
    );
    // A version without a level enforces the default level, privileged.
    assert_eq!(e(&[(ENFORCE_VERSION_LABEL, "v1.30")]), Ok(None));
    assert_eq!(
        e(&[(ENFORCE_LABEL, "Baseline")]),
        Err("namespace label pod-security.kubernetes.io/enforce=\"Baseline\" is invalid: must be one of privileged, baseline, restricted; the API server evaluates pods as \"restricted:latest\" instead".into())
    );
    assert_eq!(
        e(&[(ENFORCE_LABEL, "baseline"), (ENFORCE_VERSION_LABEL, "1.30")]),
        Err("namespace label pod-security.kubernetes.io/enforce-version=\"1.30\" is invalid: must be \"latest\" or \"v1.x\"; the API server evaluates pods as \"baseline:latest\" instead".into())
    );
}

#[test]
fn versions_parse_as_upstream_parses_them() {
    assert_eq!(Version::parse("latest"), Some(Version::Latest));
    assert_eq!(Version::parse("v1.0"), Some(Version::V(0)));
    assert_eq!(Version::parse("v1.30"), Some(Version::V(30)));
    for bad in [
        "", "v1.", "v1.030", "v2.1", "1.30", "v1.3a", "Latest", "v1.-1",
    ] {
        assert_eq!(Version::parse(bad), None, "{bad}");
    }
    assert_eq!(Version::Latest.policy_minor(), NEWEST_POLICY_MINOR);
    assert_eq!(Version::V(99).policy_minor(), NEWEST_POLICY_MINOR);
    assert_eq!(Version::Latest.on_server(Some(33)), Version::V(33));
    assert_eq!(Version::V(35).on_server(Some(33)), Version::V(33));
    assert_eq!(Version::V(30).on_server(Some(33)), Version::V(30));
}

#[test]
fn namespace_policy_mirrors_policy_to_evaluate() {
    let p = namespace_policy(&labels(&[(ENFORCE_LABEL, "baseline")]));
    assert_eq!(p.enforce.to_string(), "baseline:latest");
    // warn follows a stricter enforce level
    assert_eq!(p.warn.to_string(), "baseline:latest");
    assert_eq!(p.audit.to_string(), "privileged:latest");
    assert!(p.label_errors.is_empty());

    let p = namespace_policy(&labels(&[
        (ENFORCE_LABEL, "baseline"),
        (ENFORCE_VERSION_LABEL, "v1.30"),
        (WARN_LABEL, "restricted"),
        (AUDIT_LABEL, "bogus"),
        (AUDIT_VERSION_LABEL, "v1.x"),
    ]));
    assert_eq!(p.enforce.to_string(), "baseline:v1.30");
    assert_eq!(p.warn.to_string(), "restricted:latest");
    // Invalid audit and warn levels fail open; invalid versions are latest.
    assert_eq!(p.audit.to_string(), "privileged:latest");
    assert_eq!(p.label_errors.len(), 2);

    let p = namespace_policy(&labels(&[(ENFORCE_LABEL, "strict"), (WARN_LABEL, "x")]));
    // An invalid enforce level fails closed, and does not raise warn.
    assert_eq!(p.enforce.to_string(), "restricted:latest");
    assert_eq!(p.warn.to_string(), "privileged:latest");

    let p = namespace_policy(&labels(&[
        (ENFORCE_LABEL, "restricted"),
        (ENFORCE_VERSION_LABEL, "v1.25"),
        (WARN_VERSION_LABEL, "v1.30"),
    ]));
    assert_eq!(p.warn.to_string(), "restricted:v1.30");
}

#[test]
fn messages_read_like_the_servers() {
    let found = evaluate(
        "baseline:latest",
        "spec: {hostNetwork: true, containers: [{name: agent, securityContext: {privileged: true}}]}",
    );
    let enforce = Enforcement {
        level: Level::Baseline,
        version: Version::Latest,
    };
    assert_eq!(
        rejection_message(&enforce, &found),
        r#"violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "agent" must not set securityContext.privileged=true)"#
    );
    assert_eq!(
        warning_message(&enforce, &found[..1]),
        r#"would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
    );
}
